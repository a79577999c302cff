package gpu_operator

import (
	"testing"
	"time"

	"github.com/sluice-dev/sluice/parsers/parseutil/putest"
	"github.com/sluice-dev/sluice/pipeline/event"
)

func TestGolden(t *testing.T) { putest.Golden(t, Info) }

func TestRejects(t *testing.T) {
	t.Parallel()
	putest.Rejects(t, New(),
		"", "{not json}", "2022-04-07T01:11:23.642Z	NOTICE	x	y", "no\ttabs\tat all",
		"2022-04-07T01:11:23.642Z INFO spaces not tabs",
		// a level first needs capitals and a message after the logger
		"ERROR\tno message", "error\tlower\tcase", "ERROR\t\t indented", "ERROR   words then  spaces",
	)
}

func FuzzParse(f *testing.F) { putest.FuzzParse(f, New()) }

func BenchmarkParse(b *testing.B) {
	putest.Bench(b, New(), []string{
		`{"level":"info","ts":1741165858.641484,"logger":"controllers.ClusterPolicy","msg":"Found Resource, skipping update","ServiceAccount":"nvidia-operator-validator","Namespace":"nvidia-gpu-operator"}`,
		"2022-04-07T01:11:23.642Z\tINFO\tcontrollers.ClusterPolicy\tFound Resource\t{\"ClusterRoleBinding\": \"nvidia-operator-validator\", \"Namespace\": \"\"}",
	})
}

// A context whose "error" is an object (a client's response body) leaves error.message unset
// (the index maps it as text) and keeps the members under log.fields.
func TestContextErrorObject(t *testing.T) {
	t.Parallel()
	ev := event.NewMessage("2024-05-02T11:20:31.123Z\tERROR\tclient\trequest failed\t{\"error\": {\"code\": 401, \"reason\": \"unauthorized\"}}", time.Now())
	if !New().Parse(ev) {
		t.Fatal("not parsed")
	}
	if v, ok := ev.Get(event.FieldErrorMsg); ok && v.Kind() != event.KindString {
		t.Errorf("error.message is not text: %v", v)
	}
	if got, _ := ev.GetString("log.fields.error.reason"); got != "unauthorized" {
		t.Errorf("log.fields.error.reason = %q", got)
	}
}
