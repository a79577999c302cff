package check

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"sort"
	"strings"

	kafka "github.com/segmentio/kafka-go"

	"github.com/sluice-dev/sluice/pipeline/tlsconfig"
)

// Kafka checks the brokers sluice consumes from: that they answer, that the topics exist, and
// that a consumer group keeps up.
type Kafka struct {
	Brokers []string `mapstructure:"brokers"`
	TLS     *TLS     `mapstructure:"tls"`
	// Probe is brokers, topics or lag.
	Probe  string   `mapstructure:"probe"`
	Topics []string `mapstructure:"topics"`
	// Group, Topic and MaxLag shape the lag probe: the group's total lag on the topic (newest
	// offset minus committed offset, summed over partitions) must be at most MaxLag.
	Group  string `mapstructure:"group"`
	Topic  string `mapstructure:"topic"`
	MaxLag int64  `mapstructure:"max_lag"`
}

// Validate checks brokers and what each probe needs.
func (k *Kafka) Validate() error {
	var errs []error
	if len(k.Brokers) == 0 {
		errs = append(errs, errors.New("brokers: want at least one host:port"))
	}
	for i, b := range k.Brokers {
		if _, _, err := net.SplitHostPort(b); err != nil {
			errs = append(errs, fmt.Errorf("brokers[%d]: want host:port, got %q", i, b))
		}
	}
	switch k.Probe {
	case "brokers":
	case "topics":
		if len(k.Topics) == 0 {
			errs = append(errs, errors.New("topics: name at least one"))
		}
	case "lag":
		if k.Group == "" || k.Topic == "" {
			errs = append(errs, errors.New("the lag probe needs group and topic"))
		}
	default:
		errs = append(errs, fmt.Errorf("probe: want brokers, topics or lag, got %q", k.Probe))
	}
	if k.TLS != nil {
		errs = append(errs, tlsconfig.Under("tls", k.TLS.Validate()))
	}
	return errors.Join(errs...)
}

// Run runs the probe.
func (k *Kafka) Run(ctx context.Context) (string, error) {
	tr := &kafka.Transport{}
	if k.TLS != nil {
		tc, err := k.TLS.Config()
		if err != nil {
			return "", err
		}
		tr.TLS = tc
	}
	defer tr.CloseIdleConnections()
	switch k.Probe {
	case "brokers":
		return k.brokers(ctx, tr)
	case "topics":
		return k.topics(ctx, tr)
	}
	return k.lag(ctx, tr)
}

// brokers asks every configured broker for the cluster's metadata, so one dead bootstrap
// address is found even when the others answer.
func (k *Kafka) brokers(ctx context.Context, tr *kafka.Transport) (string, error) {
	var cluster []string
	for _, b := range k.Brokers {
		c := &kafka.Client{Addr: kafka.TCP(b), Transport: tr}
		md, err := c.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{}})
		if err != nil {
			return "", fmt.Errorf("broker %s: %w", b, err)
		}
		cluster = cluster[:0]
		for _, x := range md.Brokers {
			cluster = append(cluster, fmt.Sprintf("%d@%s:%d", x.ID, x.Host, x.Port))
		}
	}
	sort.Strings(cluster)
	return fmt.Sprintf("%d address(es) answer; cluster has %d broker(s): %s", len(k.Brokers), len(cluster),
		strings.Join(cluster, ", ")), nil
}

func (k *Kafka) topics(ctx context.Context, tr *kafka.Transport) (string, error) {
	c := &kafka.Client{Addr: kafka.TCP(k.Brokers...), Transport: tr}
	md, err := c.Metadata(ctx, &kafka.MetadataRequest{Topics: k.Topics})
	if err != nil {
		return "", err
	}
	var got, missing []string
	for _, name := range k.Topics {
		i := slices.IndexFunc(md.Topics, func(t kafka.Topic) bool { return t.Name == name })
		if i < 0 || md.Topics[i].Error != nil {
			missing = append(missing, name)
			continue
		}
		got = append(got, fmt.Sprintf("%s (%d partitions)", name, len(md.Topics[i].Partitions)))
	}
	if len(missing) > 0 {
		return "", fmt.Errorf("topic(s) missing: %s", strings.Join(missing, ", "))
	}
	return strings.Join(got, ", "), nil
}

// lag compares the group's committed offsets with the newest offset of each partition.
func (k *Kafka) lag(ctx context.Context, tr *kafka.Transport) (string, error) {
	c := &kafka.Client{Addr: kafka.TCP(k.Brokers...), Transport: tr}
	md, err := c.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{k.Topic}})
	if err != nil {
		return "", err
	}
	if len(md.Topics) != 1 || md.Topics[0].Error != nil {
		return "", fmt.Errorf("topic %s missing", k.Topic)
	}
	var parts []int
	var req []kafka.OffsetRequest
	for _, p := range md.Topics[0].Partitions {
		parts = append(parts, p.ID)
		req = append(req, kafka.LastOffsetOf(p.ID))
	}
	last, err := c.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{k.Topic: req}})
	if err != nil {
		return "", fmt.Errorf("list offsets: %w", err)
	}
	committed, err := c.OffsetFetch(ctx, &kafka.OffsetFetchRequest{GroupID: k.Group, Topics: map[string][]int{k.Topic: parts}})
	if err != nil {
		return "", fmt.Errorf("offset fetch: %w", err)
	}
	return k.judgeLag(last.Topics[k.Topic], committed.Topics[k.Topic])
}

func (k *Kafka) judgeLag(last []kafka.PartitionOffsets, committed []kafka.OffsetFetchPartition) (string, error) {
	newest := map[int]int64{}
	for _, p := range last {
		if p.Error != nil {
			return "", fmt.Errorf("partition %d: %w", p.Partition, p.Error)
		}
		newest[p.Partition] = p.LastOffset
	}
	var total int64
	n := 0
	for _, p := range committed {
		if p.Error != nil {
			return "", fmt.Errorf("partition %d: %w", p.Partition, p.Error)
		}
		if p.CommittedOffset < 0 {
			continue // nothing committed yet: the consumer starts where its config says
		}
		n++
		total += max(0, newest[p.Partition]-p.CommittedOffset)
	}
	if n == 0 {
		return "", fmt.Errorf("group %s has committed no offset on %s", k.Group, k.Topic)
	}
	got := fmt.Sprintf("group %s lags %d message(s) on %s (%d partition(s))", k.Group, total, k.Topic, n)
	if total > k.MaxLag {
		return "", fmt.Errorf("%s, want at most %d", got, k.MaxLag)
	}
	return got, nil
}
