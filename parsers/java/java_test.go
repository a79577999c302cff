package java

import (
	"testing"

	"github.com/sluice-dev/sluice/parsers/parseutil/putest"
)

func TestGolden(t *testing.T) { putest.Golden(t, Info) }

func TestRejects(t *testing.T) {
	t.Parallel()
	putest.Rejects(t, New(),
		"", "[2024-05-25 15:54:03,184] INFO", "[2024-05-25 15:54:03,184] NOTICE x (a.b)",
		"[2024-05-25 15:54:03,184] INFO no logger at the end",
		"2024-05-25 15:54:03,184 INFO vllm.engine: Python's logging (not.a logger)",
		"2024-05-25 15:54:03,184 - vllm - INFO - Python's logging",
		"[2024-05-25 15:54:03.184] INFO a dot, not log4j's comma (a.b)",
	)
}

func TestExceptionLine(t *testing.T) {
	t.Parallel()
	for line, want := range map[string]string{
		"java.net.UnknownHostException: kafka-1":                        "java.net.UnknownHostException",
		"Caused by: java.io.IOException: Broken pipe":                   "java.io.IOException",
		"org.apache.kafka.common.errors.TimeoutException":               "org.apache.kafka.common.errors.TimeoutException",
		"java.lang.OutOfMemoryError: Java heap space":                   "java.lang.OutOfMemoryError",
		"kafka.common.InconsistentClusterIdException: Cluster ID x":     "kafka.common.InconsistentClusterIdException",
		"An OpenSSL error occurred":                                     "",
		"error:0308010C:digital envelope routines::unsupported":         "",
		"org.apache.kafka.clients.NetworkClient: not an exception name": "",
	} {
		if got, _, _ := ExceptionLine(line); got != want {
			t.Errorf("ExceptionLine(%q) = %q, want %q", line, got, want)
		}
	}
}

func FuzzParse(f *testing.F) { putest.FuzzParse(f, New()) }

var benchLines = []string{
	`[2024-05-25 15:54:03,255] WARN [RaftManager id=0] Error connecting to node kafka-1:9093 (id: 1 rack: null) (org.apache.kafka.clients.NetworkClient)`,
	`2024-12-16 17:11:31,768 INFO Starting the log cleaner (kafka.log.LogCleaner) [main]`,
	`INFO 05-12 08:01:39 [loggers.py:271] Engine 000: Avg prompt throughput: 0.0 tokens/s`,
}

func BenchmarkParse(b *testing.B) { putest.Bench(b, New(), benchLines) }
