package deploytest

import (
	"fmt"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// filebeatConfig is the part of filebeat.yml the checks read.
type filebeatConfig struct {
	Inputs []struct {
		Type           string   `json:"type"`
		Enabled        *bool    `json:"enabled"`
		Paths          []string `json:"paths"`
		IncludeMatches []string `json:"include_matches"`
	} `json:"filebeat.inputs"`
	Logstash *struct {
		Hosts       []string `json:"hosts"`
		Loadbalance bool     `json:"loadbalance"`
	} `json:"output.logstash"`
	Kafka *struct {
		Hosts []string `json:"hosts"`
		Topic string   `json:"topic"`
	} `json:"output.kafka"`
}

// Filebeat reads container logs and the kernel's messages (where the driver writes Xids) from
// paths the DaemonSet mounts, knows its node, and ships to sluice: over Beats to the sluice
// Service with load balancing, or (kafka overlay) to the topic sluice's kafka input reads.
func TestFilebeatWiring(t *testing.T) {
	t.Parallel()
	for o, objs := range render(t) {
		ds := find(t, objs, "DaemonSet", "filebeat").(*appsv1.DaemonSet)
		spec := &ds.Spec.Template.Spec
		c := container(t, spec, "filebeat")
		raw := mountedFile(t, objs, spec, c, "/etc/filebeat/filebeat.yml")
		checkVarsSet(t, o+": filebeat", raw, c)
		if !nodeNameFromDownwardAPI(c) {
			t.Errorf("%s: filebeat: NODE_NAME is not spec.nodeName", o)
		}
		var cfg filebeatConfig
		if err := yaml.Unmarshal([]byte(raw), &cfg); err != nil {
			t.Fatalf("%s: filebeat.yml: %v", o, err)
		}
		containers, kernel := false, false
		for _, in := range cfg.Inputs {
			if in.Enabled != nil && !*in.Enabled {
				continue
			}
			for _, p := range in.Paths {
				if m, _ := mountOf(spec, c, strings.TrimSuffix(p, "/*.log")); m == nil {
					t.Errorf("%s: filebeat input %s reads %s, which is not mounted", o, in.Type, p)
				}
				containers = containers || p == "/var/log/containers/*.log"
			}
			kernel = kernel || (in.Type == "journald" && strings.Contains(strings.Join(in.IncludeMatches, " "), "_TRANSPORT=kernel"))
		}
		if !containers || !kernel {
			t.Errorf("%s: filebeat reads container logs: %v, the kernel's journal: %v", o, containers, kernel)
		}
		if err := checkFilebeatOutput(objs, cfg, o); err != nil {
			t.Errorf("%s: %v", o, err)
		}
	}
}

func nodeNameFromDownwardAPI(c *corev1.Container) bool {
	for _, e := range c.Env {
		if e.Name == "NODE_NAME" && e.ValueFrom != nil && e.ValueFrom.FieldRef != nil {
			return e.ValueFrom.FieldRef.FieldPath == "spec.nodeName"
		}
	}
	return false
}

func checkFilebeatOutput(objs []object, cfg filebeatConfig, overlay string) error {
	if overlay == "kafka" {
		if cfg.Kafka == nil || cfg.Logstash != nil {
			return fmt.Errorf("filebeat: want output.kafka only")
		}
		return nil
	}
	if cfg.Logstash == nil || !cfg.Logstash.Loadbalance {
		return fmt.Errorf("filebeat: want output.logstash with loadbalance")
	}
	for _, h := range cfg.Logstash.Hosts {
		if h != "sluice.llm-observability.svc:5044" {
			return fmt.Errorf("filebeat: output.logstash host %s is not the sluice Service", h)
		}
	}
	for _, o := range objs {
		if s, ok := o.Obj.(*corev1.Service); ok && o.Name == "sluice" {
			for _, p := range s.Spec.Ports {
				if p.Port == 5044 {
					return nil
				}
			}
		}
	}
	return fmt.Errorf("the sluice Service has no port 5044")
}

// The kafka overlay's sluice reads the topic Filebeat writes, as a consumer group.
func TestKafkaPath(t *testing.T) {
	t.Parallel()
	objs := render(t)["kafka"]
	d := find(t, objs, "Deployment", "sluice").(*appsv1.Deployment)
	c := container(t, &d.Spec.Template.Spec, "sluice")
	var cfg sluiceConfig
	if err := yaml.Unmarshal([]byte(mountedFile(t, objs, &d.Spec.Template.Spec, c, "/etc/sluice/sluice.yaml")), &cfg); err != nil {
		t.Fatal(err)
	}
	in, ok := cfg.Inputs["kafka"]
	if !ok || in["group_id"] == nil {
		t.Fatalf("sluice has no kafka input with a group_id: %v", cfg.Inputs)
	}
	ds := find(t, objs, "DaemonSet", "filebeat").(*appsv1.DaemonSet)
	fc := container(t, &ds.Spec.Template.Spec, "filebeat")
	var fb filebeatConfig
	if err := yaml.Unmarshal([]byte(mountedFile(t, objs, &ds.Spec.Template.Spec, fc, "/etc/filebeat/filebeat.yml")), &fb); err != nil {
		t.Fatal(err)
	}
	topics, _ := in["topics"].([]any)
	if fb.Kafka == nil || len(topics) != 1 || expand(topics[0].(string), c) != fb.Kafka.Topic {
		t.Errorf("filebeat writes topic %v, sluice reads %v", fb.Kafka, topics)
	}
	if expand(fb.Kafka.Hosts[0], fc) != expand(in["brokers"].([]any)[0].(string), c) {
		t.Errorf("filebeat writes to %v, sluice reads %v", fb.Kafka.Hosts, in["brokers"])
	}
}
