package main

import (
	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/config"
	"github.com/sluice-dev/sluice/pipeline/input/beats"
	fileinput "github.com/sluice-dev/sluice/pipeline/input/file"
	kafkainput "github.com/sluice-dev/sluice/pipeline/input/kafka"
	"github.com/sluice-dev/sluice/pipeline/input/stdin"
	"github.com/sluice-dev/sluice/pipeline/output/elasticsearch"
	fileoutput "github.com/sluice-dev/sluice/pipeline/output/file"
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
			stdin.Factory,
		},
		[]pipeline.ProcessorFactory{
			parse.Factory,
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
			route.Factory,
			sample.Factory,
			setproc.Factory,
			truncate.Factory,
			uppercase.Factory,
		},
		[]pipeline.OutputFactory{
			elasticsearch.Factory,
			fileoutput.Factory,
			stdout.Factory,
		},
	)
	if err != nil {
		panic(err) // a type listed twice is a programming error, caught by any test
	}
	return c
}
