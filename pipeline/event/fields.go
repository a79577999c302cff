package event

// Core field names every event may carry: the ones the runtime itself uses.
const (
	FieldTimestamp = "@timestamp"
	FieldMessage   = "message"
	FieldTags      = "tags"
	FieldDataset   = "event.dataset"
	FieldOriginal  = "event.original"
	FieldLogLevel  = "log.level"
	FieldErrorMsg  = "error.message"
)

// Field names that more than one package writes or reads: declared once here, below every
// component, so that an input, a parser and the Elasticsearch setup cannot drift apart. ECS
// names (Filebeat's, where Filebeat sets them), so dashboards built on Filebeat's fields work.
// A name only one package uses stays beside its code (vllm.*, gpu.*, log.message) and is listed
// in parsers/README.md.
const (
	// FieldLogFilePath is the file a line was read from: Filebeat sets it, the file input sets
	// it, and the parsers read the Kubernetes pod and container from it.
	FieldLogFilePath = "log.file.path"
	// FieldLogOffset is the line's byte offset in that file (Filebeat, the file input).
	FieldLogOffset = "log.offset"
	// FieldLogLogger is the logger's name (zap logger, slog or logrus component, torch, nccl).
	FieldLogLogger = "log.logger"
	// FieldLogFlags marks events assembled from several lines (["multiline"]).
	FieldLogFlags = "log.flags"
	// FieldOriginFile and FieldOriginLine are the source file and line that wrote the line.
	FieldOriginFile = "log.origin.file.name"
	FieldOriginLine = "log.origin.file.line"

	FieldErrorType  = "error.type"
	FieldErrorStack = "error.stack_trace"

	// FieldEventAction is the kind of line within a dataset.
	FieldEventAction = "event.action"

	FieldProcessPID  = "process.pid"
	FieldProcessName = "process.name"
	// FieldHostHostname is a host named in the line (syslog or journal prefix, NCCL); FieldHostName
	// is the host that shipped it (Filebeat's host.name).
	FieldHostHostname = "host.hostname"
	FieldHostName     = "host.name"

	FieldHTTPStatus = "http.response.status_code"

	// Kubernetes names, as Filebeat's add_kubernetes_metadata writes them; the parsers read the
	// same from a container log path when Filebeat did not set them.
	FieldK8sPodName   = "kubernetes.pod.name"
	FieldK8sPodUID    = "kubernetes.pod.uid"
	FieldK8sNamespace = "kubernetes.namespace"
	FieldK8sContainer = "kubernetes.container.name"
	FieldK8sNodeName  = "kubernetes.node.name"
)

// FieldInfo documents one field a component may set. Parsers declare theirs (parsers.Info.Fields);
// the field table in parsers/README.md and the Elasticsearch mapping (`sluice setup`) are
// generated from these. It lives here, beside the events it describes, so that the outputs read
// the table without importing the parsers that fill it.
type FieldInfo struct {
	// Name is the dotted field name.
	Name string
	// Type is the Elasticsearch type: keyword, text, match_only_text, long, double, float,
	// date, boolean, ip, flattened, object.
	Type string
	// Description says what the field holds, in one sentence.
	Description string
}
