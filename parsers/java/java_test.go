package java

import (
	"testing"
	"time"

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
		"java.net.UnknownHostException: kafka-1":                                                                  "java.net.UnknownHostException",
		"Caused by: java.io.IOException: Broken pipe":                                                             "java.io.IOException",
		"org.apache.kafka.common.errors.TimeoutException":                                                         "org.apache.kafka.common.errors.TimeoutException",
		"java.lang.OutOfMemoryError: Java heap space":                                                             "java.lang.OutOfMemoryError",
		"kafka.common.InconsistentClusterIdException: Cluster ID x":                                               "kafka.common.InconsistentClusterIdException",
		"An OpenSSL error occurred":                                                                               "",
		"error:0308010C:digital envelope routines::unsupported":                                                   "",
		"org.apache.kafka.clients.NetworkClient: not an exception name":                                           "",
		"org.springframework.web.reactive.function.client.WebClientResponseException$BadRequest: 400 Bad Request": "org.springframework.web.reactive.function.client.WebClientResponseException$BadRequest",
		"com.example.Outer$Inner: a nested class not named as an exception":                                       "",
	} {
		if got, _, _ := ExceptionLine(line); got != want {
			t.Errorf("ExceptionLine(%q) = %q, want %q", line, got, want)
		}
	}
}

// Spring Boot's layout across its versions: the bracketed parts before the logger are told
// apart by what they hold (the thread padded to 15, the correlation ids in hex), the pid may be
// missing, and a record's empty message still reads.
func TestSpringRecord(t *testing.T) {
	t.Parallel()
	for line, want := range map[string]Rec{
		"2019-03-05 10:57:51.112  INFO 45469 --- [           main] org.apache.catalina.core.StandardEngine  : Starting Servlet Engine: Apache Tomcat/7.0.52": {
			Level: "info", PID: 45469, Thread: "main", Logger: "org.apache.catalina.core.StandardEngine", Msg: "Starting Servlet Engine: Apache Tomcat/7.0.52"},
		"2026-02-19T12:22:37.451Z  INFO 128443 --- [myapp] [           main] o.s.b.d.f.logexample.MyApplication       : No active profile set": {
			Level: "info", PID: 128443, App: "myapp", Thread: "main", Logger: "o.s.b.d.f.logexample.MyApplication", Msg: "No active profile set", Zoned: true},
		"2024-05-01T10:00:00.000+02:00  WARN 1 --- [demo] [nio-8080-exec-2] [6634e1d4c5a3f4b1a1c2d3e4f5a6b7c8-a1c2d3e4f5a6b7c8] c.e.demo.ChatController                  : slow": {
			Level: "warning", PID: 1, App: "demo", Thread: "nio-8080-exec-2", Trace: "6634e1d4c5a3f4b1a1c2d3e4f5a6b7c8", Span: "a1c2d3e4f5a6b7c8", Logger: "c.e.demo.ChatController", Msg: "slow", Zoned: true},
		"2024-05-01T10:00:00.000Z ERROR 7 --- [nio-8080-exec-2] [                                                 ] c.e.demo.ChatController                  : failed": {
			Level: "error", PID: 7, Thread: "nio-8080-exec-2", Logger: "c.e.demo.ChatController", Msg: "failed", Zoned: true},
		"2024-05-01T10:00:00.000Z ERROR 7 --- [app] [main] c.e.App : Log4j2's thread unpadded": {
			Level: "error", PID: 7, App: "app", Thread: "main", Logger: "c.e.App", Msg: "Log4j2's thread unpadded", Zoned: true},
		"2023-06-01 12:00:02.000 ERROR   --- [           main] o.s.b.d.LoggingFailureAnalysisReporter   : ": {
			Level: "error", Thread: "main", Logger: "o.s.b.d.LoggingFailureAnalysisReporter"},
		"2023-06-01 12:00:02.000 ERROR 1 --- [           main] o.s.b.d.LoggingFailureAnalysisReporter   :": {
			Level: "error", PID: 1, Thread: "main", Logger: "o.s.b.d.LoggingFailureAnalysisReporter"},
	} {
		got, ok := Spring(line)
		got.Time = time.Time{}
		if !ok || got != want {
			t.Errorf("Spring(%q) = %+v, %v; want %+v", line, got, ok, want)
		}
	}
	for _, line := range []string{
		"2023-06-01 12:00:02.000 NOTICE 1 --- [main] c.e.App : not a level",
		"2023-06-01 12:00:02.000 ERROR 1 [main] c.e.App : no dashes",
		"2023-06-01 12:00:02.000 ERROR 1 --- main c.e.App : no brackets",
		"2023-06-01 12:00:02.000 ERROR 1 --- [main] c.e.App no colon after the logger",
		"2023-06-01 12:00:02.000 ERROR x1 --- [main] c.e.App : a pid that is no number",
		"2023-06-01 12:00:02.000 ERROR 1 --- [main",
	} {
		if r, ok := Spring(line); ok {
			t.Errorf("Spring(%q) read %+v", line, r)
		}
	}
}

// Spring Boot's failure analysis gives the record its text: the description, or the report's
// first words when it has none.
func TestFailureAnalysis(t *testing.T) {
	t.Parallel()
	report := "***************************\nAPPLICATION FAILED TO START\n***************************\n\nDescription:\n\n" +
		"Web server failed to start. Port 8080\nwas already in use.\n\nAction:\n\nIdentify and stop the process."
	if got := failureAnalysis(report); got != "Web server failed to start. Port 8080 was already in use." {
		t.Errorf("failureAnalysis = %q", got)
	}
	if got := failureAnalysis("\n*****\nAPPLICATION FAILED TO START\n*****"); got != "APPLICATION FAILED TO START" {
		t.Errorf("failureAnalysis without a description = %q", got)
	}
}

func FuzzParse(f *testing.F) { putest.FuzzParse(f, New()) }

var benchLines = []string{
	`[2024-05-25 15:54:03,255] WARN [RaftManager id=0] Error connecting to node kafka-1:9093 (id: 1 rack: null) (org.apache.kafka.clients.NetworkClient)`,
	`2024-12-16 17:11:31,768 INFO Starting the log cleaner (kafka.log.LogCleaner) [main]`,
	`INFO 05-12 08:01:39 [loggers.py:271] Engine 000: Avg prompt throughput: 0.0 tokens/s`,
}

func BenchmarkParse(b *testing.B) { putest.Bench(b, New(), benchLines) }
