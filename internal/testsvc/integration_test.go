package testsvc_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	lumber "github.com/elastic/go-lumber/server"
	"github.com/segmentio/kafka-go"

	"github.com/sluice-dev/sluice/internal/testsvc"
)

// TestElasticsearchIndexAndSearch proves the node from the harness takes a bulk request from
// the official client and finds the document again.
func TestElasticsearchIndexAndSearch(t *testing.T) {
	t.Parallel()
	es, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{testsvc.Elasticsearch(t)}})
	if err != nil {
		t.Fatal(err)
	}
	index := fmt.Sprintf("testsvc-smoke-%d", time.Now().UnixNano())
	t.Cleanup(func() { _, _ = es.Indices.Delete([]string{index}) })

	body := fmt.Sprintf("{\"create\":{\"_index\":%q,\"_id\":\"gpu-1\"}}\n"+
		"{\"message\":\"Xid 79 GPU has fallen off the bus\",\"@timestamp\":\"2026-11-27T10:00:00Z\"}\n", index)
	res, err := es.Bulk(strings.NewReader(body), es.Bulk.WithRefresh("true"))
	if err != nil {
		t.Fatalf("bulk: %v", err)
	}
	defer res.Body.Close()
	var bulk struct {
		Errors bool `json:"errors"`
		Items  []map[string]struct {
			Status int `json:"status"`
		} `json:"items"`
	}
	if err := json.NewDecoder(res.Body).Decode(&bulk); err != nil || res.IsError() || bulk.Errors {
		t.Fatalf("bulk: status %s errors %v decode %v", res.Status(), bulk.Errors, err)
	}
	if got := bulk.Items[0]["create"].Status; got != 201 {
		t.Fatalf("bulk item status = %d, want 201", got)
	}

	sres, err := es.Search(es.Search.WithIndex(index),
		es.Search.WithBody(strings.NewReader(`{"query":{"match":{"message":"fallen bus"}}}`)))
	if err != nil {
		t.Fatalf("search: %v", err)
	}
	defer sres.Body.Close()
	var found struct {
		Hits struct {
			Hits []struct {
				ID     string          `json:"_id"`
				Source json.RawMessage `json:"_source"`
			} `json:"hits"`
		} `json:"hits"`
	}
	if err := json.NewDecoder(sres.Body).Decode(&found); err != nil {
		t.Fatalf("search: decode: %v", err)
	}
	if len(found.Hits.Hits) != 1 || found.Hits.Hits[0].ID != "gpu-1" {
		t.Fatalf("search hits = %+v, want the one document gpu-1", found.Hits.Hits)
	}
}

// TestKafkaProduceConsume proves the broker takes writes and serves them to a consumer group,
// which exercises the JoinGroup/SyncGroup/OffsetCommit versions a 4.x broker still accepts.
func TestKafkaProduceConsume(t *testing.T) {
	t.Parallel()
	brokers := testsvc.Kafka(t)
	topic := fmt.Sprintf("testsvc-smoke-%d", time.Now().UnixNano())
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	w := &kafka.Writer{Addr: kafka.TCP(brokers...), Topic: topic, AllowAutoTopicCreation: true,
		RequiredAcks: kafka.RequireAll, BatchTimeout: 10 * time.Millisecond}
	defer w.Close()
	want := []string{"vllm line 1", "vllm line 2", "vllm line 3"}
	msgs := make([]kafka.Message, len(want))
	for i, v := range want {
		msgs[i] = kafka.Message{Key: []byte("k"), Value: []byte(v)}
	}
	// A new topic needs a moment to get a leader; until then kafka-go reports per-message
	// errors (WriteErrors, which errors.Is cannot look into), so every error is retried
	// until the deadline and the last one is reported.
	for {
		err := w.WriteMessages(ctx, msgs...)
		if err == nil {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("produce: %v (last error: %v)", ctx.Err(), err)
		case <-time.After(200 * time.Millisecond):
		}
	}

	r := kafka.NewReader(kafka.ReaderConfig{Brokers: brokers, Topic: topic, GroupID: topic + "-group",
		StartOffset: kafka.FirstOffset, MaxWait: 200 * time.Millisecond})
	defer r.Close()
	for i, v := range want {
		m, err := r.FetchMessage(ctx)
		if err != nil {
			t.Fatalf("consume message %d: %v", i, err)
		}
		if string(m.Value) != v {
			t.Fatalf("message %d = %q, want %q", i, m.Value, v)
		}
		if err := r.CommitMessages(ctx, m); err != nil {
			t.Fatalf("commit offset %d: %v", m.Offset, err)
		}
	}
}

// TestFilebeatShipsToLumberjack runs the real Filebeat against a go-lumber server on loopback
// and checks every line of a file arrives exactly once with Filebeat's own fields. Order is not
// asserted: Filebeat 7.17 may send a batch it retried internally after later ones (seen here when
// the first batch races the output's connection), so a receiver must not rely on it.
func TestFilebeatShipsToLumberjack(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := lumber.NewWithListener(l, lumber.V2(true), lumber.V1(false))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	dir := t.TempDir()
	logPath := filepath.Join(dir, "vllm.log")
	var lines []string
	for i := 0; i < 50; i++ {
		lines = append(lines, fmt.Sprintf("INFO 11-27 10:00:%02d engine.py:267] request %d finished", i, i))
	}
	if err := os.WriteFile(logPath, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The log input, as the DaemonSet's: 7.17.0's filestream input can deadlock on SIGTERM (its
	// update writer's Close waits on a mutex it holds), and Stop reports the kill (a CI run here).
	fb := testsvc.StartFilebeat(t, testsvc.FilebeatConfig{
		Paths:     []string{filepath.Join(dir, "*.log")},
		Hosts:     []string{l.Addr().String()},
		Fields:    map[string]string{"cluster": "gpu-a"},
		InputType: "log",
	})

	want := map[string]bool{}
	for _, l := range lines {
		want[l] = true
	}
	got := map[string]int{}
	timeout := time.After(90 * time.Second)
	for len(got) < len(lines) {
		select {
		case b := <-srv.ReceiveChan():
			for _, e := range b.Events {
				m, ok := e.(map[string]interface{})
				if !ok {
					t.Fatalf("event is %T, want a JSON object", e)
				}
				if _, ok := m["@timestamp"]; !ok {
					t.Errorf("event lacks @timestamp: %v", m)
				}
				if f, _ := m["fields"].(map[string]interface{}); f["cluster"] != "gpu-a" {
					t.Errorf("event fields = %v, want cluster gpu-a", m["fields"])
				}
				msg := fmt.Sprint(m["message"])
				if !want[msg] {
					t.Fatalf("received a line that was never written: %q", msg)
				}
				if got[msg]++; got[msg] > 1 {
					t.Errorf("line received %d times: %q", got[msg], msg)
				}
			}
			b.ACK()
		case <-fb.Done():
			t.Fatalf("filebeat exited early; output:\n%s", fb.Output())
		case <-timeout:
			t.Fatalf("received %d of %d lines in 90s", len(got), len(lines))
		}
	}
}
