package kafka

import (
	"os"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

func BenchmarkDecode(b *testing.B) {
	filebeat, err := os.ReadFile("testdata/filebeat-7.17.json")
	if err != nil {
		b.Fatal(err)
	}
	line := "INFO 11-27 09:59:58 [metrics.py:455] Avg prompt throughput: 1234.5 tokens/s, Avg generation throughput: 88.1 tokens/s, Running: 12 reqs"
	for _, bc := range []struct {
		name  string
		value []byte
	}{{"line", []byte(line)}, {"filebeat", filebeat}} {
		b.Run(bc.name, func(b *testing.B) {
			d := decoder{input: "kafka", filebeat: true}
			r := testRecord("")
			r.value = bc.value
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.value)))
			for b.Loop() {
				_ = d.decode(r)
			}
		})
	}
}

// BenchmarkReadThroughBroker reads b.N messages of 200 bytes from the real broker, across
// 4 partitions, with every batch acknowledged at once: the input's end-to-end read rate.
func BenchmarkReadThroughBroker(b *testing.B) {
	f := newFixture(b, 4)
	value := make([]byte, 200)
	for i := range value {
		value[i] = 'a' + byte(i%26)
	}
	per := b.N/4 + 1
	msgs := make([]kafkago.Message, per)
	for i := range msgs {
		msgs[i] = kafkago.Message{Value: value}
	}
	for p := range 4 {
		f.produce(p, msgs...)
	}
	cfg := f.config()
	in, err := New(pipelinetest.Settings(b, "kafka"), cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	r := pipelinetest.RunInput(b, in)
	r.AutoResolve(event.Delivered)
	deadline := time.Now().Add(5 * time.Minute)
	for len(r.Events()) < 4*per {
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d events", len(r.Events()), 4*per)
		}
		time.Sleep(5 * time.Millisecond)
	}
	b.ReportMetric(float64(4*per)/time.Since(start).Seconds(), "msgs/s")
}
