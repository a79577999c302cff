package nginx

import (
	"testing"

	"github.com/sluice-dev/sluice/parsers/parseutil/putest"
)

func TestGolden(t *testing.T) { putest.Golden(t, Info) }

func TestRejects(t *testing.T) {
	t.Parallel()
	putest.Rejects(t, New(),
		"", "10.0.0.1 - - [08/Mar/2023:16:02:45 +0000] no request",
		`10.0.0.1 - - [08/Mar/2023 16:02:45] "GET / HTTP/1.1" 200 1`,
		`10.0.0.1 - - [08/Mar/2023:16:02:45 +0000] "GET / HTTP/1.1" OK 1`,
		"2023/03/08 16:02:40 [fine] 31#31: not a level of nginx's",
		"2023/03/08 16:02:40 Go's standard log, not nginx's error_log",
		"2023/03/08 16:02:40.0000000000 ", "2023/03/08 16:02:40.0000000000 [",
	)
}

func TestListGroups(t *testing.T) {
	t.Parallel()
	got := listGroups("192.168.215.1:80, 192.168.215.1:80 : 10.0.0.2:80 0, 0 5.000, 5.000 504, 504 a7c9")
	want := []string{"192.168.215.1:80, 192.168.215.1:80 : 10.0.0.2:80", "0, 0", "5.000, 5.000", "504, 504", "a7c9"}
	if len(got) != len(want) {
		t.Fatalf("groups %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("group %d: %q, want %q", i, got[i], want[i])
		}
	}
	if lastItem("504, 502") != "502" || lastItem("504") != "504" || lastItem("1.0 : 2.0") != "2.0" {
		t.Error("lastItem")
	}
}

func FuzzParse(f *testing.F) { putest.FuzzParse(f, New()) }

var benchLines = []string{
	`108.162.227.25 - - [08/Mar/2023:16:02:45 +0000] "GET / HTTP/1.1" 504 562 "-" "Mozilla/5.0 (X11; Linux x86_64)" 1100 14.998 [pc-dev-example-web-service-80] [] 192.168.215.1:80, 192.168.215.1:80, 192.168.215.1:80 0, 0, 0 5.000, 5.000, 5.000 504, 504, 504 a7c98d98ac870f64981a997cd2f373a1`,
	`2023/03/08 16:02:40 [error] 31#31: *569 upstream timed out (110: Operation timed out) while connecting to upstream, client: 108.162.227.25, server: dev-aws.example.com, request: "GET / HTTP/1.1", upstream: "http://192.168.215.1:80/", host: "dev-aws.example.com"`,
	`INFO 05-12 08:01:39 [loggers.py:271] Engine 000: Avg prompt throughput: 0.0 tokens/s`,
}

func BenchmarkParse(b *testing.B) { putest.Bench(b, New(), benchLines) }
