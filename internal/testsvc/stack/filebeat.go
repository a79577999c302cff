package stack

// FilebeatVersion is the beats release built for tests: the 7.17 line users still run in
// front of Logstash, whose Lumberjack client sluice's beats input must satisfy.
const FilebeatVersion = "7.17.0"

// FilebeatBinary returns the cached Filebeat binary, built from the wrapper module in
// internal/testsvc/filebeat.
func (s *Stack) FilebeatBinary() (string, error) {
	return s.cachedGoBuild(goBinary{
		name: "filebeat", version: FilebeatVersion, from: "github.com/elastic/beats/v7@v" + FilebeatVersion,
		files: []string{"go.mod", "go.sum", "main.go"}, pkg: ".",
	})
}
