package stack

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/segmentio/kafka-go"
)

// KafkaVersion is the Apache Kafka broker run for tests: a 4.x release, whose KIP-896 removal of
// old protocol versions is what users' clusters have, so the tests catch a client that still
// speaks them.
const KafkaVersion = "4.4.0"

func kafkaArtifacts() []artifact {
	return []artifact{
		{Group: "org.apache.kafka", Name: "kafka_2.13", Version: KafkaVersion},
		// The broker logs through slf4j 1.7; this binds it to the log4j2 core Kafka already uses.
		{Group: "org.apache.logging.log4j", Name: "log4j-slf4j-impl", Version: "2.25.5"},
	}
}

// kafkaLibs resolves the broker jars into the cache once; later runs only check the marker.
func (s *Stack) kafkaLibs() (string, error) {
	dir := filepath.Join(s.CacheDir, "kafka-"+KafkaVersion)
	libs := filepath.Join(dir, "libs")
	if _, err := os.Stat(filepath.Join(dir, ".complete")); err == nil {
		return libs, nil
	}
	_ = os.RemoveAll(libs)
	if err := fetchMaven(dir, libs, kafkaArtifacts(), true); err != nil {
		return "", fmt.Errorf("kafka: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".complete"), nil, 0o644); err != nil {
		return "", fmt.Errorf("kafka: %w", err)
	}
	return libs, nil
}

const kafkaLog4j = `status = error
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.stdout.ref = STDOUT
logger.server.name = kafka.server.KafkaRaftServer
logger.server.level = INFO
`

// kafkaProperties is a single KRaft node acting as broker and controller on loopback, with
// replication factors of one so internal topics can be created on it.
func kafkaProperties(port, controllerPort int, dataDir string) string {
	return fmt.Sprintf(`process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:%[2]d
listeners=PLAINTEXT://127.0.0.1:%[1]d,CONTROLLER://127.0.0.1:%[2]d
advertised.listeners=PLAINTEXT://127.0.0.1:%[1]d
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=%[3]s
num.partitions=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.flush.interval.messages=1000000
`, port, controllerPort, dataDir)
}

func (s *Stack) kafkaDaemon() daemon {
	dir := filepath.Join(s.StateDir, "kafka")
	return daemon{name: "kafka", dir: dir, marker: dir}
}

// StartKafka formats fresh storage and starts the broker, returning once it answers metadata
// requests and can create a topic.
func (s *Stack) StartKafka(ctx context.Context) error {
	if err := checkPortFree(s.KafkaPort, "kafka broker"); err != nil {
		return err
	}
	if err := checkPortFree(s.KafkaPort+1, "kafka controller"); err != nil {
		return err
	}
	libs, err := s.kafkaLibs()
	if err != nil {
		return err
	}
	home, err := javaHome()
	if err != nil {
		return fmt.Errorf("kafka: %w", err)
	}
	d := s.kafkaDaemon()
	data := filepath.Join(d.dir, "data")
	if err := os.RemoveAll(d.dir); err != nil {
		return fmt.Errorf("kafka: clean %s: %w", d.dir, err)
	}
	if err := os.MkdirAll(data, 0o755); err != nil {
		return fmt.Errorf("kafka: %w", err)
	}
	props := filepath.Join(d.dir, "server.properties")
	log4j := filepath.Join(d.dir, "log4j2.properties")
	if err := os.WriteFile(props, []byte(kafkaProperties(s.KafkaPort, s.KafkaPort+1, data)), 0o644); err != nil {
		return fmt.Errorf("kafka: %w", err)
	}
	if err := os.WriteFile(log4j, []byte(kafkaLog4j), 0o644); err != nil {
		return fmt.Errorf("kafka: %w", err)
	}
	java := filepath.Join(home, "bin", "java")
	cp := filepath.Join(libs, "*")
	format := exec.CommandContext(ctx, java, "-Xmx256m", "-cp", cp, "-Dlog4j2.configurationFile="+log4j,
		"kafka.tools.StorageTool", "format", "--ignore-formatted", "-t", "sluice-test-cluster-01", "-c", props)
	if out, err := format.CombinedOutput(); err != nil {
		return fmt.Errorf("kafka: format storage: %w\n%s", err, lastLines(string(out), 20))
	}
	cmd := exec.Command(java, "-Xms256m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
		"-Djava.awt.headless=true", "-Dlog4j2.configurationFile="+log4j, "-cp", cp, "kafka.Kafka", props)
	cmd.Dir = d.dir
	if err := d.start(cmd); err != nil {
		return err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(s.KafkaPort))
	return waitFor(d, s.StartTimeout, func() error { return kafkaHealthy(ctx, addr) })
}

// kafkaHealthy dials the broker, reads cluster metadata and creates a health topic, which
// proves the controller has elected itself and the broker accepts writes to metadata.
func kafkaHealthy(ctx context.Context, addr string) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	conn, err := kafka.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("dial %s: %w", addr, err)
	}
	defer conn.Close()
	if _, err := conn.Controller(); err != nil {
		return fmt.Errorf("metadata: %w", err)
	}
	err = conn.CreateTopics(kafka.TopicConfig{Topic: "sluice-health", NumPartitions: 1, ReplicationFactor: 1})
	if err != nil && err != kafka.TopicAlreadyExists {
		return fmt.Errorf("create health topic: %w", err)
	}
	return nil
}
