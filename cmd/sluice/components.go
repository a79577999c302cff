package main

import (
	"github.com/sluice-dev/sluice/parsers"
	"github.com/sluice-dev/sluice/parsers/builtin"
	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/config"
	"github.com/sluice-dev/sluice/pipeline/input/beats"
	fileinput "github.com/sluice-dev/sluice/pipeline/input/file"
	kafkainput "github.com/sluice-dev/sluice/pipeline/input/kafka"
	pipelineinput "github.com/sluice-dev/sluice/pipeline/input/pipeline"
	"github.com/sluice-dev/sluice/pipeline/input/stdin"
	"github.com/sluice-dev/sluice/pipeline/output/elasticsearch"
	fileoutput "github.com/sluice-dev/sluice/pipeline/output/file"
	pipelineoutput "github.com/sluice-dev/sluice/pipeline/output/pipeline"
	"github.com/sluice-dev/sluice/pipeline/output/stdout"
	"github.com/sluice-dev/sluice/processors/convert"
	copyproc "github.com/sluice-dev/sluice/processors/copy"
	"github.com/sluice-dev/sluice/processors/date"
	"github.com/sluice-dev/sluice/processors/dissect"
	"github.com/sluice-dev/sluice/processors/drop"
	"github.com/sluice-dev/sluice/processors/fingerprint"
	"github.com/sluice-dev/sluice/processors/grok"
	jsonproc "github.com/sluice-dev/sluice/processors/json"
	"github.com/sluice-dev/sluice/processors/kubernetes"
	"github.com/sluice-dev/sluice/processors/kv"
	"github.com/sluice-dev/sluice/processors/lowercase"
	"github.com/sluice-dev/sluice/processors/multiline"
	"github.com/sluice-dev/sluice/processors/parse"
	"github.com/sluice-dev/sluice/processors/redact"
	"github.com/sluice-dev/sluice/processors/remove"
	"github.com/sluice-dev/sluice/processors/rename"
	"github.com/sluice-dev/sluice/processors/requests"
	"github.com/sluice-dev/sluice/processors/route"
	"github.com/sluice-dev/sluice/processors/sample"
	setproc "github.com/sluice-dev/sluice/processors/set"
	"github.com/sluice-dev/sluice/processors/truncate"
	"github.com/sluice-dev/sluice/processors/uppercase"
)

// components is the one explicit list of every component this build of sluice knows. Add one
// line per factory, in the list of its kind.
func components() config.Components {
	c, err := config.NewComponents(
		[]pipeline.InputFactory{
			beats.Factory,
			fileinput.Factory,
			kafkainput.Factory,
			pipelineinput.Factory,
			stdin.Factory,
		},
		[]pipeline.ProcessorFactory{
			parse.NewFactory(parserRegistry()),
			convert.Factory,
			copyproc.Factory,
			date.Factory,
			dissect.Factory,
			drop.Factory,
			fingerprint.Factory,
			grok.Factory,
			jsonproc.Factory,
			kubernetes.Factory,
			kv.Factory,
			lowercase.Factory,
			multiline.Factory,
			redact.Factory,
			remove.Factory,
			rename.Factory,
			requests.Factory,
			route.Factory,
			sample.Factory,
			setproc.Factory,
			truncate.Factory,
			uppercase.Factory,
		},
		[]pipeline.OutputFactory{
			elasticsearch.Factory,
			fileoutput.Factory,
			pipelineoutput.Factory,
			stdout.Factory,
		},
	)
	if err != nil {
		panic(err) // a type listed twice is a programming error, caught by any test
	}
	return c
}

// parserRegistry is the parsers this build knows (parsers/builtin's list, in the order the
// default chain tries them). The parse processor and `sluice setup`, which maps their fields,
// both take them from here rather than importing the list themselves.
func parserRegistry() *parsers.Registry { return builtin.Registry() }

// mappedFields is the field table the index mappings are built from: every parser's fields, and
// those of the processors that write events of their own (the requests summaries).
func mappedFields() []parsers.Field {
	return append(parserRegistry().Fields(), requests.Fields...)
}
