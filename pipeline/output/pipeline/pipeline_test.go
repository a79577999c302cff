package pipeline

import (
	"context"
	"fmt"
	"testing"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		to   []string
		want string
	}{
		{[]string{"a", "b"}, "<nil>"},
		{nil, "send_to: at least one address is required"},
		{[]string{"a", "", "a b", "a"}, "send_to[1]: empty address\nsend_to[2]: \"a b\" contains white space\nsend_to[3]: \"a\" listed twice"},
	} {
		if got := fmt.Sprint((&Config{SendTo: c.to}).Validate()); got != c.want {
			t.Errorf("send_to %q: %s, want %s", c.to, got, c.want)
		}
	}
}

// Outside a runtime (`sluice dlq replay` through it) there is nobody to send to: each batch is
// refused Retry, so its source keeps it, with an error saying why.
func TestDeliverOutsideRuntime(t *testing.T) {
	t.Parallel()
	out, err := Factory.Create(pipelinetest.Settings(t, "pipeline/x"), &Config{SendTo: []string{"x"}})
	if err != nil {
		t.Fatal(err)
	}
	b, rec := pipelinetest.Batch("a")
	if err := out.Deliver(context.Background(), b); err == nil {
		t.Error("delivered outside a runtime")
	}
	if s := rec.Wait(t); s != event.Retry {
		t.Errorf("ack %v, want retry", s)
	}
}
