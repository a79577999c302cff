package pipeline

import (
	"context"
	"fmt"
	"testing"

	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]string{
		"errors": "<nil>",
		"":       "address: required: the name pipeline outputs send to",
		"a b":    `address: "a b" contains white space`,
	} {
		if got := fmt.Sprint((&Config{Address: addr}).Validate()); got != want {
			t.Errorf("address %q: %s, want %s", addr, got, want)
		}
	}
}

// Outside a runtime there is nobody to receive from: Run says so at once rather than waiting.
func TestRunOutsideRuntime(t *testing.T) {
	t.Parallel()
	in, err := Factory.Create(pipelinetest.Settings(t, "pipeline/x"), &Config{Address: "x"})
	if err != nil {
		t.Fatal(err)
	}
	err = in.Run(context.Background(), nil)
	if want := `pipeline input: address "x": receives only inside a running sluice, which connects it to the pipeline outputs sending there`; fmt.Sprint(err) != want {
		t.Errorf("run: %v", err)
	}
}
