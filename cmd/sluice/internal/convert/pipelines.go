package convert

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/sluice-dev/sluice/cmd/sluice/internal/logstash"
)

// Pipeline is one Logstash pipeline: its pipeline.id and the files (or config.string) it reads.
type Pipeline struct {
	ID   string
	Srcs []Source
	// Notes are about the pipeline's own settings (in pipelines.yml); they come first.
	Notes []Note
}

// send is a translated pipeline output and the addresses it sends to.
type send struct {
	id, file string
	pl       *logstash.Plugin
	to       []string
}

// TranslatePipelines turns several Logstash pipelines (those of a pipelines.yml) into one sluice
// config with a pipeline each, named after its pipeline.id. Pipeline inputs and outputs
// (pipeline-to-pipeline) link them as in Logstash.
func TranslatePipelines(pls []Pipeline) (*Result, error) {
	names := map[string]bool{}
	ts := make([]*translator, len(pls))
	for i, p := range pls {
		t := newTranslator(nameChars(p.ID), p.Srcs, names)
		t.notes = append(t.notes, p.Notes...)
		for _, s := range p.Srcs {
			t.file = s.File
			for _, sec := range s.Cfg.Sections {
				t.section(sec)
			}
		}
		ts[i] = t
	}
	unreceived(ts)
	res := &Result{}
	for _, t := range ts {
		t.finish()
		res.Notes = append(res.Notes, t.notes...)
	}
	out, err := render(ts)
	if err != nil {
		return nil, err
	}
	res.YAML = out
	return res, nil
}

// unreceived comments out pipeline outputs that send to an address no translated pipeline
// receives: the config would not load, and Logstash would block on them forever.
func unreceived(ts []*translator) {
	var recv []string
	for _, t := range ts {
		recv = append(recv, t.receives...)
	}
	for _, t := range ts {
		for _, s := range t.sends {
			missing := slices.DeleteFunc(slices.Clone(s.to), func(a string) bool { return slices.Contains(recv, a) })
			if len(missing) == 0 {
				continue
			}
			t.file = s.file
			t.skip(s.pl, fmt.Sprintf("no pipeline converted with it receives %q: convert the pipelines together (their pipelines.yml)",
				strings.Join(missing, `", "`)))
			t.outputs = slices.DeleteFunc(t.outputs, func(c component) bool { return c.id == s.id })
			t.routes = slices.DeleteFunc(t.routes, func(r route) bool { return r.id == s.id })
		}
	}
}

func (t *translator) pipelineInput(o *opts) *yaml.Node {
	addr, ok := o.str("address")
	if !ok || addr == "" {
		t.skip(o.pl, "a pipeline input needs an address")
		return nil
	}
	t.receives = append(t.receives, addr)
	return mapping("address", addr)
}

func (t *translator) pipelineOutput(o *opts) *yaml.Node {
	to, ok := o.strs("send_to")
	if !ok || len(to) == 0 {
		t.skip(o.pl, "a pipeline output needs send_to")
		return nil
	}
	o.used["ensure_delivery"] = true // sluice always waits for the receiving pipeline
	return mapping("send_to", to)
}

// addresses reads send_to back from a translated pipeline output.
func addresses(body *yaml.Node) []string {
	for i := 0; i+1 < len(body.Content); i += 2 {
		if body.Content[i].Value == "send_to" {
			var to []string
			for _, n := range body.Content[i+1].Content {
				to = append(to, n.Value)
			}
			return to
		}
	}
	return nil
}
