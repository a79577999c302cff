package parse

import (
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/sluice-dev/sluice/parsers"
	"github.com/sluice-dev/sluice/parsers/compose"
	"github.com/sluice-dev/sluice/parsers/cri"
	pjson "github.com/sluice-dev/sluice/parsers/json"
	"github.com/sluice-dev/sluice/parsers/k8spath"
	"github.com/sluice-dev/sluice/parsers/klog"
	"github.com/sluice-dev/sluice/parsers/nginx"
	"github.com/sluice-dev/sluice/parsers/nvidia_shell"
	"github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/parsers/pylog"
	"github.com/sluice-dev/sluice/parsers/tagged"
	"github.com/sluice-dev/sluice/parsers/tracing"
	"github.com/sluice-dev/sluice/parsers/vllm"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/input/file/lines"
)

// rule is a SourceRule with its parser chain built.
type rule struct {
	SourceRule
	content []parsers.Parser
}

// source is what the processor remembers of one source between lines: the dataset of its
// last recognised line, which a line no parser recognises (a stray print, a warning from a
// library) inherits, since it most likely came from the same program.
//
// In a host file (syslog, journal, kern.log: no pod or container) every line names the program
// that wrote it, and programs interleave: there a line inherits only from a line of the same
// program (process.name), so that a udev or systemd line after a kernel Xid is not gpu.xid.
type source struct {
	dataset string
	proc    string // process.name of the line dataset came from, in a host file
	// lastProc is process.name of the source's last line that named one, in a host file
	lastProc string
	last     time.Time
	// program is set once a line other than an access line came (a server's start-up
	// lines): a source of access lines alone (one remembered again after an idle time) says
	// nothing of whose they are
	program bool
	// component is componentDataset of the source's pod and container, once componentRead
	component     string
	componentRead bool
	// userDataSplit: the source's last event was the first piece of a line longer than the
	// input's max_line_bytes whose user data (a request's prompt, a response's output) the
	// vllm parser replaced; the pieces after it are that data's rest
	userDataSplit bool
}

// userDataPiece replaces the message of a piece of a line longer than the input's limit that goes
// on with the prompt, body or output the piece before it carried (a long-context request line, one
// runtime line with containerd's line limit off), as the rest of a line the runtime split is
// replaced (restOfCut): no parser can find the user's text in it.
func (p *Processor) userDataPiece(ev *event.Event) {
	if p.cutRest(ev) {
		ev.Delete(parseutil.FieldLogMessage)
		ev.Delete(event.FieldErrorMsg)
	}
}

// componentOf returns componentDataset of the source's pod and container, read once a source.
func (s *source) componentOf(src srcKey) string {
	if !s.componentRead {
		s.component, s.componentRead = componentDataset(src.pod, src.container), true
	}
	return s.component
}

// line is one event after framing, with where it came from, its message and the message's
// first line taken apart (not for partial pieces, which are joined before anything reads them).
type line struct {
	ev      *event.Event
	partial bool
	// framedPiece: an inner framer read the line alone and it is, or may end, a piece of a
	// longer line (a journal entry of a container): its pieces are joined as framed
	framedPiece bool
	// raw is the text inside the runtime's frame when an inner framer (compose, kubectl,
	// syslog) then changed it: the last piece of a split line is joined as it was written.
	raw    string
	src    srcKey
	stream string
	msg    string
	split  vllm.Line
}

// item is an event ready for the content chain, with its source key. split, when not nil, is
// the event's message (msg) first line taken apart, for the vllm parser; nil when the event was
// assembled from several lines.
type item struct {
	ev    *event.Event
	src   srcKey
	seq   uint64
	msg   string
	split *vllm.Line
	lead  bool // an empty line came before it in its record (NCCL's before a WARN): see restoreLead
}

// bom is UTF-8's byte-order mark.
const bom = "\ufeff"

// frameMemo is what frame remembers from a batch's earlier lines: their paths, and where the
// path field was among their fields (the batch's events mostly have the same names).
type frameMemo struct {
	k8s  k8spath.Memo
	path event.Hint
}

// frame removes the container framing, fills kubernetes.* from the log path, and finds the
// event's source: the input's source (file, partition) or log.file.path, else the batch key.
// memo (nil for none) remembers the batch's earlier lines. A byte-order mark the line or its
// framed text opens with is left out.
func (p *Processor) frame(l *line, ev *event.Event, batchKey string, memo *frameMemo) {
	if memo == nil {
		memo = &frameMemo{}
	}
	path, hasPath := ev.GetStringHinted(event.FieldLogFilePath, &memo.path)
	pod, container := memo.k8s.Fill(ev, path, hasPath)
	*l = line{ev: ev}
	msg := ev.Message()
	if strings.HasPrefix(msg, bom) {
		// a file's byte-order mark (a log a Windows editor or .NET wrote): not the line's
		msg = msg[len(bom):]
		ev.SetMessage(msg)
	}
	framed := false // a framer set the message to msg and the stream to l.stream
	for _, f := range p.framing {
		if fr, ok := f.(framer); ok {
			if framed {
				continue
			}
			if fm, ok := fr.FrameMessage(ev, msg); ok {
				l.partial, l.stream, msg, framed = fm.Partial, fm.Stream, fm.Text, true
			}
			continue
		}
		// An inner frame (compose, syslog) inside the runtime's, or alone; a piece of a split
		// line is not read before it is joined.
		if l.partial {
			continue
		}
		before := msg
		if pf, ok := f.(pieceFramer); ok && !framed {
			// a journal entry, which holds its container's piece of a line itself
			if ok, piece := pf.ParsePiece(ev); ok {
				msg, l.raw, l.partial = ev.Message(), before, piece
				if id, ok := ev.GetString(k8spath.FieldID); ok {
					// a container's line in a host's journal or syslog (its runtime's driver):
					// its pieces join, its records group, apart from the other containers'
					// lines between them, and per stream where the entry names it
					l.stream, l.framedPiece = id, true
					if s, ok := ev.GetString(cri.FieldStream); ok {
						l.stream = id + " " + s
					}
				}
				break
			}
		} else if f.Parse(ev) {
			msg, l.raw = ev.Message(), before
			break
		}
	}
	if !framed {
		if l.stream == "" {
			l.stream, _ = ev.GetString(cri.FieldStream)
		}
	} else if strings.HasPrefix(msg, bom) {
		msg = msg[len(bom):] // the program's output opened with one, inside the runtime's frame
		ev.SetMessage(msg)
	}
	l.src = sourceKey(ev, batchKey, path, hasPath, pod, container)
	if !l.partial {
		l.msg = msg
		first, _, _ := strings.Cut(msg, "\n")
		l.split = vllm.Split(first)
		if l.raw != "" && l.split.Tag == "" {
			// the program a syslog or journal frame named (which Split no longer sees), with its
			// pid as Split keeps it ("bash[367450]"): lines of different programs, or of two
			// processes of one (a worker's traceback, then the main process's), are never one record
			if l.split.Tag, _ = ev.GetString(event.FieldProcessName); l.split.Tag != "" {
				if pid, ok := ev.Get(event.FieldProcessPID); ok && pid.Kind() == event.KindInt {
					l.split.Tag = l.split.Tag + "[" + strconv.FormatInt(pid.Int(), 10) + "]"
				}
			} else if l.split.Service == "" {
				// else the service a `docker compose logs` prefix named: the services' lines
				// interleave, each one's records are grouped apart
				l.split.Service, _ = ev.GetString(compose.FieldContainerName)
			}
		}
	}
}

// srcKey names the stream of lines an event belongs to. The file path comes first: one Kafka
// partition or Filebeat connection carries the lines of many pods, whose process prefixes
// ("(APIServer pid=1)") are the same everywhere and must not be grouped together. A struct of
// strings, so that building it allocates nothing.
type srcKey struct {
	input, where, pod, container string
}

// sourceKey builds the key from the event's log.file.path (path, hasPath), pod and container
// names, which frame has read already; framing changes none of them.
func sourceKey(ev *event.Event, batchKey, path string, hasPath bool, pod, container string) srcKey {
	where := path
	if !hasPath {
		where = ev.Meta.Source
	} else if n := len(path); n > 0 && (path[n-1] >= '0' && path[n-1] <= '9' || strings.HasSuffix(path, ".gz")) {
		// the kubelet's rotation of a container's log, "0.log.20250101-120000", goes on as
		// "0.log", and a node's rotated files as theirs ("syslog.1" as "syslog", "kern.log.2.gz"
		// as "kern.log", "messages-20261201" as "messages"): a line or a record cut at the
		// rotation is joined with its rest, and a record held at an older file's end is not
		// sent after the newer file's lines
		where = path[:strings.LastIndexByte(path, '/')+1] + parseutil.LogFileName(path)
	}
	if where == "" {
		where = batchKey
	}
	return srcKey{input: ev.Meta.Input, where: where, pod: pod, container: container}
}

// streamKey is one output stream of a source; groupKey one process writing to it.
type streamKey struct {
	src    srcKey
	stream string
}

type groupKey struct {
	streamKey
	proc string
	svc  string // the docker compose service of an interleaved `docker compose logs` file
}

// match returns the first source rule that matches the event, or nil.
func (p *Processor) match(ev *event.Event) *rule {
	for i := range p.rules {
		r := &p.rules[i]
		if r.Path != "" {
			fp, ok := ev.GetString(event.FieldLogFilePath)
			if !ok {
				fp = ev.Meta.Source
			}
			if m, _ := path.Match(r.Path, fp); !m {
				continue
			}
		}
		if r.Namespace != "" {
			if ns, _ := ev.GetString(event.FieldK8sNamespace); ns != r.Namespace {
				continue
			}
		}
		if r.Container != "" {
			if c, _ := ev.GetString(event.FieldK8sContainer); c != r.Container {
				continue
			}
		}
		return r
	}
	return nil
}

// sourceMemo is what complete remembers between the events of one batch: the clock reading
// that stamps the sources it touches, and the source state the previous event used. Runs of
// lines from one file are the rule, and finding the state by its key hashes the whole path.
type sourceMemo struct {
	now time.Time
	key srcKey
	s   *source
	gen uint64 // p.forgotten when s was looked up
}

// complete gives every event the contract fields: @timestamp (the receipt time when nothing
// better was found) and event.dataset (the parser's; else the rule's, the source's last, or the
// fallback). log.level is left to the parsers, which set it only from the line: a level made up
// here would hide the lines whose level nobody knows from the rules meant for them.
//
// It reports whether the source is claimed: a source rule names it, or its container belongs to
// the GPU stack, whose every line a parser (nvidia_shell at the least) undertakes to read. A
// line a claimed source's parsers cannot read is a parse failure, worth a look. Any other
// unrecognised line is not: an unknown application's keeps its framing and the fallback
// dataset, and a stray line of a known program (a library's print in a vLLM pod) its source's
// last dataset, without the tag. Sources are not claimed by what earlier lines were: every
// program prints lines of its libraries that no parser of its format reads.
func (p *Processor) complete(ev *event.Event, src srcKey, r *rule, parsed bool, m *sourceMemo) bool {
	if !ev.Has(event.FieldTimestamp) {
		t := ev.Meta.Received
		if t.IsZero() {
			t = p.now()
		}
		ev.SetTimestamp(t)
	}
	p.smu.Lock()
	defer p.smu.Unlock()
	s := m.s
	if s == nil || m.gen != p.forgotten || m.key != src {
		if s = p.sources[src]; s == nil {
			s = &source{}
			p.sources[src] = s
		}
		m.key, m.s, m.gen = src, s, p.forgotten
	}
	s.last = m.now
	if ev.HasTag(lines.TagSplit) {
		if s.userDataSplit && !ev.Has(cri.FieldStream) {
			p.userDataPiece(ev) // the rest of a prompt the piece before replaced: replaced as well
		} else {
			s.userDataSplit = vllm.CarriesUserData(ev.Message())
		}
	} else {
		s.userDataSplit = false
	}
	var proc string
	host := src.pod == "" && src.container == ""
	if host {
		proc, _ = ev.GetString(event.FieldProcessName)
	}
	// (a host file's line that names no program goes on with the last line that named one: it
	// inherits only when that line was of the program the dataset came from; so do the lines
	// after it, a message folded over several)
	prevProc := s.lastProc
	if host && proc != "" {
		s.lastProc = proc
	}
	ds, _ := ev.GetString(event.FieldDataset)
	// a Docker host's container (/var/lib/docker/containers/<id>/<id>-json.log): its id is
	// known, its name is not, so its program is known only from the lines it has written
	docker := host && strings.Contains(src.where, "/containers/") && ev.Has(k8spath.FieldID)
	if ds != "" {
		switch {
		case docker && strings.HasPrefix(s.dataset, "gpu.") && (ds == vllm.DatasetServer || strings.HasPrefix(ds, "generic")):
			// a GPU-stack program's container (dcgm-exporter's): its lines in a generic format
			// (exporter-toolkit's logfmt), and a C++ abort that would be vLLM's in a container
			// of unknown name, are the program's
			ds = s.dataset
			ev.SetString(event.FieldDataset, ds)
		case ds == nginx.DatasetAccess && strings.HasPrefix(src.container, "traefik"):
			// Traefik's access log in its common layout (its own fields after nginx's), not nginx's
			ds = "traefik.access"
			ev.SetString(event.FieldDataset, ds)
		case (ds == vllm.DatasetAccess || ds == vllm.DatasetUvicornAccess) && !host && otherServerAccess(s.componentOf(src)) != "":
			// uvicorn's access line in the container of another server of the same OpenAI routes
			// (LMDeploy's api_server, trtllm-serve, SGLang, NVIDIA NIM): its 5xx are that server's,
			// its own routes' too (LMDeploy's "POST /generate")
			ds = otherServerAccess(s.component)
			ev.SetString(event.FieldDataset, ds)
		case ds == vllm.DatasetAccess && !host && s.program && s.dataset != vllm.DatasetServer && !vllm.ServerContainer(src.container):
			// uvicorn's access line for an OpenAI route in a container whose earlier lines were
			// no vLLM's (a router's, FastChat's API server, an embedding server): another
			// FastAPI service's, not vLLM's, whose 5xx would send the on-call to the wrong tier
			ds = vllm.DatasetUvicornAccess
			ev.SetString(event.FieldDataset, ds)
		case (ds == vllm.DatasetTorch || ds == vllm.DatasetNCCL || ds == vllm.DatasetUCX) && s.dataset == vllm.DatasetServer:
			// torch's, NCCL's or UCX's line in a pod whose lines were vLLM's: a vLLM server in a
			// container not named for it
			ds = vllm.DatasetServer
			vllm.AdoptLibraryLine(ev)
		case ds == tracing.DatasetPanic && !host:
			// a Rust library's panic inside a known program (llguidance in vLLM's structured
			// outputs, tokenizers): the program's
			if program := servingDataset(ev, ""); program != "" {
				ds = program
				ev.SetString(event.FieldDataset, ds)
			} else if known(s.dataset) && !libraryDataset(s.dataset) {
				ds = s.dataset
				ev.SetString(event.FieldDataset, ds)
			}
		case ds == klog.Dataset && !host:
			// a C++ library's glog, Abseil or TensorFlow line in a container whose program is
			// known (gRPC core's or Mooncake's in a vLLM pod, XLA's in a Ray worker): its level and
			// fields are read, its dataset is the program's; the number after its time is the
			// writing thread's (glog's and Abseil's in C++), not a Go program's pid as klog's
			program := s.dataset
			if !known(program) {
				program = servingDataset(ev, "")
			}
			if program != "" {
				ev.Rename(event.FieldProcessPID, parseutil.FieldThread)
				ds = program
				ev.SetString(event.FieldDataset, ds)
				if ds == vllm.DatasetServer {
					vllm.AdoptLibraryLine(ev) // NIXL's failed transfer: vllm.error.kind as on vLLM's lines
				}
			}
		case (ds == pylog.DatasetGeneric || ds == pjson.Dataset) && !host:
			// a library's Python logging in a vLLM pod ("WARNING:root:libtpu.so and TPU device
			// found. Setting PJRT_DEVICE=TPU.", transformers' and huggingface_hub's warnings):
			// the server process's, as under its process prefix; and vLLM's own records through
			// a JSON formatter that writes only the message (VLLM_LOGGING_CONFIG_PATH's example)
			program := s.dataset
			if program != vllm.DatasetServer {
				program = servingDataset(ev, "")
			}
			if program == vllm.DatasetServer {
				ds = program
				ev.SetString(event.FieldDataset, ds)
			}
		case host && ds == tagged.Dataset && systemdStatus(ev):
			// systemd's status on a host's console ("[DEPEND] Dependency failed for ..."):
			// systemd's, not the program's whose line came before it
		case ds == tagged.Dataset || ds == nvidia_shell.DatasetSMI || ds == tagged.DatasetHAMiCore:
			// a bare "ERROR: ..." or "WARNING: ..." of the source's program (the driver
			// installer's, pip's or absl's in a vLLM pod, TGI's last "Error: "), or the GPUs
			// nvidia-smi -L lists at its start: its level and fields are read, its dataset is
			// the program's
			if s.dataset != "" && !libraryDataset(s.dataset) && (proc == "" || proc == s.proc) {
				// (a library's dataset, torch's that a warning before it taught, is no
				// program's: TensorRT-LLM's own "[TRT-LLM] [E]" after torch's warning stays its)
				ds = s.dataset
			} else {
				ds = servingDataset(ev, ds)
				if c := s.componentOf(src); ds == tagged.DatasetHAMiCore && !host && strings.HasSuffix(c, ".server") {
					// HAMi-core's lines in another server's container (LMDeploy's, TGI's,
					// Ollama's, Triton's), before its own first line: the library is in its
					// process, as in vLLM's
					ds = c
				}
			}
			ev.SetString(event.FieldDataset, ds)
		}
		if parsed && teaches(ev, ds, s, proc) {
			s.dataset, s.proc = ds, proc
			if host {
				s.lastProc = proc // (a line of no program's that teaches: those after it go on with it)
			}
		}
		if !strings.HasSuffix(ds, ".access") {
			s.program = true
		}
	} else {
		s.program = true
		switch {
		case r != nil && r.Dataset != "":
			ds = r.Dataset
		case s.dataset != "" && (proc == "" && (!host || prevProc == "" || prevProc == s.proc) || proc != "" && proc == s.proc) && !(host && proc == "systemd"):
			// (systemd's lines are each about the unit they name: "containerd.service: Main
			// process exited ..." after "nvidia-cdi-refresh.service: Failed ..." is not the
			// toolkit's)
			ds = s.dataset
			if ds == pylog.DatasetRayCore {
				// Ray's core lines come from the library inside the serving process: what follows
				// them in a vLLM container (a faulthandler dump after Ray's signal handler's
				// lines) is the server's
				ds = servingDataset(ev, ds)
			}
		default:
			fallback := p.cfg.FallbackDataset
			if st, ok := ev.GetString(event.FieldErrorStack); (ok && pythonTraceback(ev, st) || !ok && pythonException(ev)) && !rayContainer(src.container) {
				// a Python traceback no program's lines came before (a client's, a job's), or its
				// exception's line alone (a model downloader's "OSError: ... 429 Client Error"):
				// read as Python's, as the pylog parser's records of an unknown program are
				fallback = pylog.DatasetGeneric
			}
			ds = servingDataset(ev, fallback)
		}
		ev.SetString(event.FieldDataset, ds)
	}
	if (ds == "generic" || ds == tagged.Dataset) && rayContainer(src.container) {
		// KubeRay's head and worker containers (its samples' and charts' names): what the
		// driver prints there in no format at all (a re-raised RayTaskError) is Ray's; a
		// library's line (NCCL's, torch's) stays the workload's
		ds = pylog.DatasetRayCore
		ev.SetString(event.FieldDataset, ds)
	}
	if ds == vllm.DatasetServer {
		if c := s.componentOf(src); notVLLM[c] || c == "nim.server" {
			// another engine's container (LMDeploy's Ray workers are RayWorkerWrapper actors
			// too: "(RayWorkerWrapper pid=297851) [Gloo] Rank 0 is connected ..."): a
			// vLLM-shaped prefix or header there is that engine's, which never runs vLLM
			// inside; and NVIDIA NIM for LLMs, which writes vLLM's header (NIM 1.0 and 1.1
			// without the year: "INFO 07-31 06:02:40.11 ngc_injector.py:174] Selected profile:
			// ...") and runs vLLM inside: its container's lines are NIM's, whichever wrote them
			ds = c
			ev.SetString(event.FieldDataset, ds)
		}
	}
	if strings.HasPrefix(ds, "gpu.") && !host && ev.Has(parseutil.FieldGPUErrorKind) && parseutil.GPUContainer(src.container) == "" {
		if c := s.componentOf(src); c != "" && !strings.HasPrefix(c, "gpu.") {
			// an NVIDIA failure a program with a dataset of its own reports (Volcano's or
			// HAMi's device plugin: "Failed to initialize NVML: could not load NVML library."):
			// the program's line, its class kept; only a generic line takes the GPU stack's
			ds = c
			ev.SetString(event.FieldDataset, ds)
		}
	}
	if strings.HasPrefix(ds, "generic") {
		c := s.componentOf(src)
		if c == "" && host {
			// a serving program run as a host service, its lines in the journal or syslog by
			// its name: Ollama's systemd unit on a bare GPU host, llama.cpp's server
			if name, ok := ev.GetString(event.FieldProcessName); ok {
				if name == "systemd" {
					// systemd on the program's unit: "ollama.service: Main process exited,
					// code=exited, status=2/INVALIDARGUMENT", why the server restarted
					name = parseutil.UnitName(ev.Message())
				}
				c = hostPrograms[name]
				if c == "" && vllm.ServerContainer(name) {
					// vLLM run as a host service (`vllm serve` in vllm.service: its journal
					// tag, its unit): what it prints bare (a traceback at start) is the server's,
					// as in a container named for vLLM
					c = vllm.DatasetServer
				}
			}
			if c == "" {
				// a container's line in the host's journal or syslog (Docker's journald or
				// syslog driver), by its image or name as the entry gives them
				c = servingDataset(ev, "")
			}
			if path, ok := ev.GetString(event.FieldLogFilePath); ok && c == "" {
				c = hostFiles[parseutil.LogFileName(path)]
				if c == "" && strings.Contains(path, "/aws-routed-eni/") {
					// the Amazon VPC CNI's files on an EKS node (ipamd.log, plugin.log: its Go
					// seelog lines): why a pod got no IP address
					c = "aws.vpc_cni"
				}
			}
		}
		if c != "" {
			ev.SetString(event.FieldDataset, c)
			ds = c
		} else if ev.Has(vllm.FieldErrorKind) && !strings.Contains(ev.Message(), "vllm") {
			// a traceback the vllm parser classed in a source not known to be vLLM's, whose
			// frames are not vLLM's either (a training job's): its failure class is a GPU
			// workload's
			vllm.DisownErrorKind(ev)
		}
	}
	if ds == datasetRoutingSidecar {
		p.sidecarBody(ev)
	}
	if m := ev.Message(); len(m) > 8 && (m[0] == '-' || m[0] == 'l' && strings.HasPrefix(m, "litellm.") || strings.HasPrefix(ds, "litellm")) {
		p.litellmRequestText(ev) // (LiteLLM as a proxy, or as a library inside an application)
	}
	if ev.Has(vllm.FieldErrorKind) && (otherEngines[ds] || ds == pylog.DatasetRayCore) {
		// another inference server's failure (SGLang's scheduler, Infinity's batch handler
		// out of memory): a GPU workload's class, not vLLM's; in an engine's container that
		// never runs vLLM even when its frames pass through vLLM's modules (SGLang 0.4's
		// layers import them: ".../vllm/utils.py"); and an SGLang rollout's in a Ray job's
		// container (verl's "(WorkerDict pid=...)" actors)
		m := ev.Message()
		if notVLLM[ds] || !strings.Contains(m, "vllm") && (ds != pylog.DatasetRayCore || strings.Contains(m, "/sglang/")) {
			vllm.DisownErrorKind(ev)
		}
	}
	return r != nil && (len(r.Parsers) > 0 || r.Dataset != "") || parseutil.GPUDataset(ev) != ""
}

// datasetRoutingSidecar is llm-d's routing sidecar's, beside a decode pod's vLLM.
const datasetRoutingSidecar = "llm_d.routing_proxy"

// promptOptions returns how the prompts option replaces user data a line quotes.
func (p *Processor) promptOptions() vllm.Options {
	return vllm.Options{Prompts: vllm.PromptMode(p.cfg.Prompts), PromptMaxLength: p.cfg.PromptMaxLength}
}

// sidecarBody replaces the request body llm-d's routing sidecar logs with each request it sends
// on (its klog line's quoted value: "sending request to prefiller" ... body="{\"prompt\":...}"):
// the user's prompt, which the prompts option replaces in vLLM's own request lines too, in the
// message and in log.fields.body.
func (p *Processor) sidecarBody(ev *event.Event) {
	body, ok := ev.GetString(parseutil.FieldLogFields + ".body")
	if !ok || !strings.HasPrefix(body, "{") {
		return
	}
	opt := p.promptOptions()
	with, ok := opt.ReplaceBody(body, "request body")
	if !ok {
		return
	}
	ev.SetString(parseutil.FieldLogFields+".body", with)
	m := ev.Message()
	i := strings.Index(m, ` body="`)
	if i < 0 {
		return
	}
	start, end := i+len(` body="`), i+len(` body="`)
	for end < len(m) && m[end] != '"' {
		if m[end] == '\\' {
			end++
		}
		end++
	}
	q := strconv.Quote(with)
	ev.SetMessage(m[:start] + q[1:len(q)-1] + m[min(end, len(m)):])
}

// litellmRequestText replaces the user data LiteLLM's debug output prints of a request it sends
// (--detailed_debug): the curl command's body ("-d '{'model': ..., 'messages': [...]}'", a line
// of its own) and the call's messages ("litellm.completion(model='ollama/llama3',
// messages=[{'role': 'user', 'content': '...'}], ...)"), as the prompts option says.
func (p *Processor) litellmRequestText(ev *event.Event) {
	m := ev.Message()
	opt := p.promptOptions()
	switch {
	case strings.HasPrefix(m, "-d '{") || m[0] != 'l' && strings.Contains(m, "\n-d '{") && strings.Contains(m, "curl -X POST"):
		// the body to the end of its line (the record may hold the whole command, its
		// header's record grouped with it)
		at := strings.Index(m, "-d '{") + len("-d '")
		end := len(m)
		if nl := strings.IndexByte(m[at:], '\n'); nl >= 0 {
			end = at + nl
		}
		body := strings.TrimRight(m[at:end], " \\")
		body = strings.TrimSuffix(strings.TrimRight(strings.TrimSuffix(body, "'"), " \\"), "'")
		if with, ok := opt.ReplaceBody(body, "request body"); ok {
			out := m[:at] + with + "'" + m[end:]
			ev.SetMessage(out)
			if lm, ok := ev.GetString(parseutil.FieldLogMessage); ok && strings.Contains(lm, body) {
				ev.SetString(parseutil.FieldLogMessage, strings.Replace(lm, body, with, 1))
			}
		}
	case strings.HasPrefix(m, "litellm.completion(") || strings.HasPrefix(m, "litellm.acompletion("):
		i := strings.Index(m, "messages=[")
		if i < 0 {
			return
		}
		at := i + len("messages=")
		end := len(m) // a list the line's end cut
		if c := parseutil.Closing(m[at:], '[', ']'); c > 0 {
			end = at + c + 1
		}
		if with, ok := opt.ReplaceBody(m[at:end], "messages"); ok {
			ev.SetMessage(m[:at] + with + m[end:])
		}
	}
}

// rayContainer reports whether container is one of KubeRay's head and worker containers (its
// samples' and charts' names).
func rayContainer(container string) bool {
	return container == "ray-head" || container == "ray-worker" || container == "ray-job-submitter"
}

// hostPrograms maps the programs that serve models as a host's services, by the name their syslog
// or journal frame gives, to their datasets.
var hostPrograms = map[string]string{
	"ollama":       "ollama.server",
	"llama-server": "llama_cpp.server",
	"cloud-init":   "cloud_init.log", // a GPU node's first boot: its user data installing drivers
	// the log pipeline's own programs run as services (Filebeat on a bare host, Elastic's packages)
	"filebeat":   "filebeat.log",
	"fluent-bit": "fluentbit.log",
	"fluentd":    "fluentd.log",
	"vector":     "vector.log",
	"promtail":   "promtail.log",
	"alloy":      "alloy.log",
	"kibana":     "kibana.log",
	// the node's Kubernetes agent and container runtime: why a GPU pod did not start (its
	// device plugin's allocation, the nvidia runtime, a mount); k3s runs both in one process
	"kubelet":         "kubernetes.kubelet",
	"kubelet-wrapper": "kubernetes.kubelet", // Container Linux's unit
	"k3s":             "kubernetes.kubelet",
	"rke2":            "kubernetes.kubelet", // RKE2's supervisor, which runs its node's kubelet and containerd as k3s does
	"kubenswrapper":   "kubernetes.kubelet", // OpenShift 4's kubelet on RHCOS (its journal tag: the kubelet run in its namespace wrapper)
	// MicroK8s runs the kubelet with the control plane in one process, and its own containerd;
	// OpenShift 3 ran the kubelet as hyperkube
	"microk8s.daemon-kubelite":   "kubernetes.kubelet",
	"microk8s.daemon-kubelet":    "kubernetes.kubelet",
	"microk8s.daemon-containerd": "containerd.log",
	"hyperkube":                  "kubernetes.kubelet",
	"containerd":                 "containerd.log",
	"crio":                       "crio.log",
	"dockerd":                    "docker.daemon",
	"docker":                     "docker.daemon", // Docker 1.12 and before ran its daemon as "docker daemon"
	"dockerd-current":            "docker.daemon", // RHEL and CentOS 7's Docker (OpenShift 3's kubelet ran in it)
	"gpud":                       "gpud.log",      // Lepton's GPU health agent as a service, its zap JSON in the journal
	// the control plane run as a node's services (kubeadm before static pods, k3s's agents,
	// hardened distributions' units), as in their containers
	"kube-scheduler":          "kubernetes.scheduler",
	"kube-controller-manager": "kubernetes.controllermanager",
	"kube-apiserver":          "kubernetes.apiserver",
	"kube-proxy":              "kubernetes.proxy",
	// node-problem-detector as a node's service (AKS runs it so, its GPU checks with it; its
	// unit's start script names the lines)
	"node-problem-detector":            "kubernetes.node_problem_detector",
	"node-problem-detector-startup.sh": "kubernetes.node_problem_detector",
	"logstash":                         "logstash.log",
	"elasticsearch":                    "elasticsearch.server",
	// the monitoring stack run as host services (its packages' units)
	"prometheus":     "prometheus.log",
	"alertmanager":   "prometheus.alertmanager",
	"grafana":        "grafana.log",
	"grafana-server": "grafana.log",
	// node_exporter from its release's unit or a distribution's package
	"node_exporter":            "prometheus.node_exporter",
	"prometheus-node-exporter": "prometheus.node_exporter",
	"flanneld":                 "flannel.log",
}

// hostFiles maps the log files programs write on a node, by name, to their datasets.
var hostFiles = map[string]string{
	"cloud-init.log":        "cloud_init.log",
	"cloud-init-output.log": "cloud_init.log", // what its scripts print (a driver install's output)
	// the kubelet's own file (kops', glog's links to its newest file by level)
	"kubelet.log":     "kubernetes.kubelet",
	"kubelet.INFO":    "kubernetes.kubelet",
	"kubelet.WARNING": "kubernetes.kubelet",
	"kubelet.ERROR":   "kubernetes.kubelet",
	// Lepton's gpud, a GPU node's health agent run as a host service: its zap JSON log, where it
	// quotes the kernel's Xid lines it found
	"gpud.log": "gpud.log",
	// containerd's own file where k3s and RKE2 run it (/var/lib/rancher/{k3s,rke2}/agent/
	// containerd/containerd.log), not a journal's unit
	"containerd.log": "containerd.log",
	"flanneld.log":   "flannel.log", // flanneld run as a node's service
}

// libraryDataset reports whether ds is a library's that any program's lines may carry (torch's,
// NCCL's, UCX's), no program's.
func libraryDataset(ds string) bool {
	return ds == vllm.DatasetTorch || ds == vllm.DatasetNCCL || ds == vllm.DatasetUCX
}

// known reports whether a source's dataset names its program: not "" or a generic.* one.
func known(ds string) bool { return ds != "" && !strings.HasPrefix(ds, "generic") }

// teaches reports whether a parsed line's dataset ds becomes what its source's unrecognised
// lines inherit. Not an access line's (what follows it unrecognised, a traceback on the other
// stream that the access line overtook, is the server's); not a generic.* one over a known
// program's (a library's JSON or tagged line in a vLLM pod); and not a GPU failure's that a
// phrase gave a line outside the GPU stack (nvidia-smi's in a vLLM pod: the pod's next lines are
// still vLLM's).
func teaches(ev *event.Event, ds string, s *source, proc string) bool {
	switch {
	case strings.HasSuffix(ds, ".access") || ds == nginx.DatasetIngress || ds == tagged.DatasetHAMiCore || ds == nvidia_shell.DatasetSMI:
		// (HAMi-core's lines are a library's inside any workload: its other lines are not; nor
		// are the GPUs nvidia-smi -L lists at a workload's start, gpu-burn's, a job's)
		return false
	case ds == pjson.Dataset:
		// JSON lines of an unknown program say nothing of its other lines (a RunPod worker's
		// SDK writes JSON to stdout, its handler's logging plain lines to stderr): they stay
		// the fallback's, not generic.json
		return false
	case strings.HasPrefix(ds, "generic"):
		return !known(s.dataset) || (proc != "" && proc != s.proc)
	case strings.HasPrefix(ds, "gpu."):
		return !ev.Has(parseutil.FieldGPUErrorKind) || parseutil.GPUDataset(ev) != ""
	case ds == vllm.DatasetServer:
		// what vLLM prints as it is imported, in any program that imports it (a trainer's
		// rollout: Unsloth, TRL, LLaMA-Factory, verl): no sign that the pod serves with it (its
		// platform, and the attention backend check of fa_utils.py, "Cannot use FA version 2 is
		// not supported ...")
		m, _ := ev.GetString(parseutil.FieldLogMessage)
		f, _ := ev.GetString(event.FieldOriginFile)
		return !strings.HasPrefix(m, "Automatically detected platform ") && f != "fa_utils.py"
	}
	return true
}

// stackComponents maps the containers of the stack around vLLM (what deploy/ runs: Elasticsearch,
// Kibana, Filebeat, Prometheus, Grafana, sluice; and the cluster's DNS) to the dataset of their
// lines that no parser gives a program's: Elastic's integrations' names where they have one, so
// that "event.dataset: filebeat.log" answers why shipping stopped. A line that states its own
// (Elasticsearch's ECS JSON) keeps it.
var stackComponents = map[string]string{
	"elasticsearch": "elasticsearch.server",
	"kibana":        "kibana.log",
	"filebeat":      "filebeat.log",
	// Elastic Agent, from Elastic's own manifests: the Fleet-managed DaemonSet's container and
	// the standalone one's (ECK's is told apart by its pod, controllerPods)
	"elastic-agent":            "elastic_agent.log",
	"elastic-agent-standalone": "elastic_agent.log",
	"logstash":                 "logstash.log", // where it still runs beside sluice, or before it
	"prometheus":               "prometheus.log",
	"prometheus-server":        "prometheus.log",
	"alertmanager":             "prometheus.alertmanager",
	"grafana":                  "grafana.log",
	// kube-prometheus-stack's other parts, and the OpenTelemetry Collector's chart
	"prometheus-operator":     "prometheus.operator",
	"kube-prometheus-stack":   "prometheus.operator", // the chart's name for the operator's container
	"config-reloader":         "prometheus.operator", // the operator's sidecar in Prometheus' pods
	"kube-state-metrics":      "kubernetes.state_metrics",
	"node-exporter":           "prometheus.node_exporter",
	"opentelemetry-collector": "otel.collector",
	"otel-collector":          "otel.collector",
	"otc-container":           "otel.collector", // the OpenTelemetry Operator's collector pods
	// the other log shippers a GPU node may run beside or instead of sluice and Filebeat: why
	// its logs stopped reaching Elasticsearch
	"fluent-bit":         "fluentbit.log",
	"aws-for-fluent-bit": "fluentbit.log",
	"fluentd":            "fluentd.log",
	"vector":             "vector.log",
	"alloy":              "alloy.log",
	"promtail":           "promtail.log",
	"install-cni":        "istio.cni",                // istio-cni's node agent (ambient's traffic redirection)
	"envoy-gateway":      "envoy_gateway.controller", // Envoy Gateway's (and the AI Gateway's) control plane
	// what deploys and runs vLLM workloads: Argo CD, Argo Workflows (its controller, and the
	// executor beside every step's main container), Kubeflow Pipelines' API server and agent
	"argocd-application-controller":    "argocd.application_controller",
	"argocd-applicationset-controller": "argocd.applicationset_controller",
	"argocd-repo-server":               "argocd.repo_server",
	"argocd-server":                    "argocd.server",
	"workflow-controller":              "argo_workflows.controller",
	"argo-server":                      "argo_workflows.server",
	"wait":                             "argo_workflows.executor",
	"ml-pipeline-api-server":           "kubeflow.pipelines_api",
	"ml-pipeline-persistenceagent":     "kubeflow.pipelines_persistence",
	// the Node.js chat front ends and agent builders users put in front of vLLM (their charts'
	// and manifests' container names)
	"librechat":          "librechat.server",
	"flowise":            "flowise.server",
	"anythingllm":        "anythingllm.server",
	"n8n":                "n8n.server",
	"lobe-chat":          "lobe_chat.server",
	"lobe-chat-database": "lobe_chat.server",
	"nextchat":           "nextchat.server",
	"chatgpt-next-web":   "nextchat.server", // NextChat's former name, still its image's
	"chatbot-ui":         "chatbot_ui.server",
	// the secondary networks multi-node GPU pods use (what NVIDIA's Network Operator deploys
	// beside its NIC driver container): why an RDMA pod stays in ContainerCreating
	"kube-multus":                 "network_operator.multus",
	"whereabouts":                 "network_operator.whereabouts",
	"sriov-device-plugin":         "network_operator.sriov_device_plugin",
	"kube-sriovdp":                "network_operator.sriov_device_plugin", // its name in the operator's and the upstream manifests
	"sriov-network-config-daemon": "network_operator.sriov_config_daemon",
	"rdma-shared-dp":              "network_operator.rdma_device_plugin",
	"k8s-rdma-shared-dp-ds":       "network_operator.rdma_device_plugin", // the plugin's own DaemonSet, without the operator
	"ib-kubernetes":               "network_operator.ib_kubernetes",
	"nv-ipam-node":                "network_operator.nv_ipam",
	"nv-ipam-controller":          "network_operator.nv_ipam",
	"coredns":                     "coredns.log",
	"node-cache":                  "coredns.log", // NodeLocal DNSCache, CoreDNS with its plugins
	"sluice":                      "sluice.log",
	// the node's network: the CNI agents (a GPU node NotReady, a vLLM pod that gets no IP),
	// their operators and controllers, and kube-flannel (also Canal's)
	"cilium-agent":            "cilium.agent",
	"cilium-operator":         "cilium.operator",
	"calico-node":             "calico.node",
	"calico-kube-controllers": "calico.kube_controllers",
	"calico-typha":            "calico.typha",
	"tigera-operator":         "calico.operator",
	"kube-flannel":            "flannel.log",
	"aws-node":                "aws.vpc_cni", // the Amazon VPC CNI's ipamd and its entrypoint
	// the CSI node drivers that mount a model's volume (a pod stuck in ContainerCreating) and
	// the Kubernetes CSI sidecars beside them
	"ebs-plugin":                "aws.ebs_csi_driver",
	"efs-plugin":                "aws.efs_csi_driver",
	"fsx-plugin":                "aws.fsx_csi_driver",
	"s3-plugin":                 "aws.mountpoint_s3_csi_driver",
	"azuredisk":                 "azure.disk_csi_driver",
	"azurefile":                 "azure.file_csi_driver",
	"gce-pd-driver":             "gcp.pd_csi_driver",
	"node-driver-registrar":     "kubernetes.csi_sidecar",
	"csi-node-driver-registrar": "kubernetes.csi_sidecar",
	"csi-driver-registrar":      "kubernetes.csi_sidecar",
	"liveness-probe":            "kubernetes.csi_sidecar",
	"csi-provisioner":           "kubernetes.csi_sidecar",
	"csi-attacher":              "kubernetes.csi_sidecar",
	"csi-resizer":               "kubernetes.csi_sidecar",
	"csi-snapshotter":           "kubernetes.csi_sidecar",
	// cert-manager (its chart's containers; "cert-manager" before it) and metrics-server, which
	// an HPA on a vLLM deployment's CPU or memory asks
	"cert-manager":            "cert_manager.controller",
	"cert-manager-controller": "cert_manager.controller",
	"cert-manager-cainjector": "cert_manager.cainjector",
	"cert-manager-webhook":    "cert_manager.webhook",
	"metrics-server":          "kubernetes.metrics_server",
	// What a GPU pod that stays Pending, or a GPU node that does not come, is explained by:
	// Kubernetes' own components (Elastic's names for them), the node problem detector, the
	// operators that create vLLM's pods (KubeRay), HAMi's GPU-sharing scheduler extender.
	"kube-scheduler":          "kubernetes.scheduler",
	"kube-controller-manager": "kubernetes.controllermanager",
	"kube-apiserver":          "kubernetes.apiserver",
	"kube-proxy":              "kubernetes.proxy",
	"node-problem-detector":   "kubernetes.node_problem_detector",
	"gpud":                    "gpud.log", // Lepton's GPU health agent as a DaemonSet, as on the host
	"kuberay-operator":        "kuberay.operator",
	// Kubeflow's training operator (PyTorchJob, MPIJob): the controller that makes a training
	// job's pods, and says why it did not
	"training-operator": "kubeflow.training_operator",
	// Volcano, the batch scheduler training and inference jobs are queued in: its scheduler
	// (why a job's pods wait) and its controllers (the jobs and queues)
	"volcano-scheduler":   "volcano.scheduler",
	"volcano-controllers": "volcano.controller",
	// Volcano's own NVIDIA device plugin (GPU shares for its vGPU mode)
	"volcano-device-plugin": "volcano.device_plugin",
	// NVIDIA's KAI scheduler (Run:ai's): its pod grouper, which gangs a workload's pods
	"pod-grouper":             "kai.podgrouper",
	"vgpu-scheduler-extender": "hami.scheduler",
	// the other inference servers beside vLLM: Triton's glog lines and the TensorRT-LLM
	// backend's tagged ones in its container are one program's; Ollama's slog, std-log and
	// runner lines (its chart's container), llama.cpp's server (its images' usual names)
	"triton-inference-server": "triton.server",
	"tritonserver":            "triton.server",
	"triton-server":           "triton.server",
	"nim-llm":                 "nim.server", // NVIDIA NIM for LLMs, its Helm chart's container
	"nim-cache":               "nim.cache",  // the NIM Operator's NIMCache job, which downloads a model's profiles
	"ollama":                  "ollama.server",
	"llama-server":            "llama_cpp.server",
	"llama-cpp":               "llama_cpp.server",
	"llamacpp":                "llama_cpp.server",
	"llama.cpp":               "llama_cpp.server", // ghcr.io/ggml-org/llama.cpp:server-cuda, the project's own image
	"llama-swap":              "llama_cpp.server", // the proxy that runs llama-server and relays its output
	// Hugging Face's text-generation-inference: its launcher's and router's tracing lines are
	// tgi.server by their target in any container; its shard's stderr and its exit here too
	"text-generation-inference": "tgi.server",
	"tgi":                       "tgi.server",
	// TensorRT-LLM's OpenAI server (trtllm-serve) and LMDeploy's api_server: their tagged and
	// Python logging lines, their native frames
	"trtllm-serve": "trtllm.server",
	"tensorrt-llm": "trtllm.server",
	"trtllm":       "trtllm.server",
	"lmdeploy":     "lmdeploy.server",
	// text-embeddings-inference, the embedding and reranking server beside vLLM
	"text-embeddings-inference": "tei.server",
	"tei":                       "tei.server",
	// the other accelerators' device plugins on EKS GPU/Trainium nodes: AWS Neuron's, and EFA's
	// (the network NCCL needs to leave NET/Socket)
	"neuron-device-plugin":      "aws.neuron_device_plugin",
	"aws-efa-k8s-device-plugin": "aws.efa_device_plugin",
	// NVIDIA NVSentinel's modules: the health monitors that turn a GPU's faults into health
	// events, and what cordons, drains and remediates the node after them
	"syslog-health-monitor":  "nvsentinel.syslog_health_monitor",
	"gpu-health-monitor":     "nvsentinel.gpu_health_monitor",
	"platform-connectors":    "nvsentinel.platform_connectors",
	"fault-quarantine":       "nvsentinel.fault_quarantine",
	"node-drainer":           "nvsentinel.node_drainer",
	"fault-remediation":      "nvsentinel.fault_remediation",
	"health-events-analyzer": "nvsentinel.health_events_analyzer",
	// its preflight checks, init containers of a GPU pod: the DCGM diagnostic and NCCL's
	// loopback test before the workload starts
	"preflight-dcgm-diag":      "nvsentinel.preflight_dcgm_diag",
	"preflight-nccl-loopback":  "nvsentinel.preflight_nccl_loopback",
	"preflight-nccl-allreduce": "nvsentinel.preflight_nccl_allreduce",
	// AMD GPUs' device plugin and node labeller: the standalone manifests', the Helm chart's, and
	// the AMD GPU operator's labeller (why an amd.com/gpu node has no GPUs or labels)
	"amdgpu-dp-cntr":          "amd.device_plugin",
	"amd-gpu-dp-cntr":         "amd.device_plugin",
	"amdgpu-labeller-cntr":    "amd.node_labeller",
	"amd-gpu-lr-cntr":         "amd.node_labeller",
	"node-labeller-container": "amd.node_labeller",
	// the AMD GPU operator's metrics exporter (its health checks: a GPU it marks unhealthy)
	"metrics-exporter-container": "amd.metrics_exporter",
	// AWS's node termination handler, which drains a spot node before it goes
	"aws-node-termination-handler": "aws.node_termination_handler",
	// EKS's node monitoring agent: its DCGM and Xid conditions, why a GPU node is marked unhealthy
	"eks-node-monitoring-agent": "aws.node_monitoring_agent",
	// the endpoint picker of the Gateway API Inference Extension (llm-d's inference scheduler):
	// which vLLM pod a request went to, and why none was picked
	"epp": "inference_gateway.epp",
	// the gateways' controllers in front of vLLM: Envoy AI Gateway's (its chart's container) and
	// kgateway's, which program the routes to the inference pools
	"ai-gateway-controller": "envoy_ai_gateway.controller",
	// its external processor, the sidecar beside each Envoy proxy that picks a request's backend
	// (its slog lines: "Processing request", "Selected backend", the request's id)
	"ai-gateway-extproc": "envoy_ai_gateway.extproc",
	"kgateway":           "kgateway.controller",
	// llm-d's routing sidecar beside a decode pod's vLLM, which sends a request to its prefill
	// pod first (the modelservice chart's container)
	"routing-proxy": datasetRoutingSidecar,
	// the same sidecar as KServe's LLMInferenceService puts it in a decode pod
	"llm-d-routing-sidecar": datasetRoutingSidecar,
	// vLLM Semantic Router, which picks a model for each request by its category (its chart's
	// and its operator's container): its zap JSON lines
	"semantic-router": "semantic_router.server",
	// KServe's serverless mode: Knative's sidecar in every predictor pod, and KEDA
	"queue-proxy": "knative.queue_proxy",
	// the init container KServe puts before a predictor to download its model (its Python
	// logging's basicConfig lines and traceback in the releases before its own layout)
	"storage-initializer": "kserve.server",
	"keda-operator":       "keda.operator",
	// the servers the HPA asks for a vLLM deployment's queue metrics: KEDA's metrics apiserver
	// and prometheus-adapter (why the HPA "cannot fetch external metrics")
	"keda-operator-metrics-apiserver": "keda.metrics_apiserver",
	// Traefik, k3s's ingress in front of a vLLM service (its access lines: traefik.access)
	"traefik":            "traefik.log",
	"traefik-ingress-lb": "traefik.log",
	"prometheus-adapter": "prometheus.adapter",
}

// notVLLM are the datasets of the engines that never run vLLM inside (Triton, KServe, NIM and
// Ray Serve can), whose containers' vLLM-shaped lines are theirs.
var notVLLM = map[string]bool{
	"lmdeploy.server": true, "sglang.server": true, "trtllm.server": true, "tgi.server": true,
	"tei.server": true, "ollama.server": true, "llama_cpp.server": true,
}

// otherEngines are the datasets of the inference and embedding servers that run beside vLLM
// without it: a failure class of theirs is gpu.error.kind, not vllm.error.kind.
var otherEngines = map[string]bool{
	"sglang.server": true, "tgi.server": true, "tei.server": true, "infinity.server": true,
	"triton.server": true, "ollama.server": true, "llama_cpp.server": true,
	"trtllm.server": true, "lmdeploy.server": true,
}

// controllerPods are the components whose container has a name that says nothing (controller,
// manager), told apart by their pod's name, as their Helm charts and manifests name them.
var controllerPods = []struct{ pod, container, dataset string }{
	{"karpenter-", "controller", "karpenter.controller"},
	{"karpenter-", "manager", "karpenter.controller"}, // Karpenter before v0.33 named its container manager
	{"elastic-agent-", "agent", "elastic_agent.log"},  // ECK's Elastic Agent
	{"fleet-server-", "agent", "elastic_agent.log"},   // ECK's Fleet Server, an Elastic Agent too
	// Istio's ambient data plane: ztunnel on every node (its container is named as a sidecar's)
	{"ztunnel-", "istio-proxy", "istio.ztunnel"},
	// Flux's controllers, which install and upgrade a vLLM chart (HelmRelease, Kustomization)
	{"helm-controller-", "manager", "flux.helm_controller"},
	{"kustomize-controller-", "manager", "flux.kustomize_controller"},
	{"source-controller-", "manager", "flux.source_controller"},
	{"notification-controller-", "manager", "flux.notification_controller"},
	// Argo CD's repo server (its chart names the container repo-server)
	{"argocd-repo-server-", "repo-server", "argocd.repo_server"},
	{"kueue-controller-manager-", "manager", "kueue.controller"},
	{"k8s-nim-operator-", "manager", "nim.operator"},
	{"nim-operator-k8s-nim-operator-", "manager", "nim.operator"}, // its chart under NVIDIA's documented release name
	{"lws-controller-manager-", "manager", "lws.controller"},
	// JobSet's controller and Kubeflow Trainer's (v2, TrainJob on JobSet)
	{"jobset-controller-manager-", "manager", "jobset.controller"},
	{"kubeflow-trainer-controller-manager-", "manager", "kubeflow.trainer"},
	// KServe's controller: InferenceService and LLMInferenceService reconciliation
	{"kserve-controller-manager-", "manager", "kserve.controller"},
	{"llmisvc-controller-manager-", "manager", "kserve.controller"},
	{"activator-", "activator", "knative.activator"},
	{"autoscaler-", "autoscaler", "knative.autoscaler"},
	// GPU sharing and gang scheduling: Volcano's admission webhook, HAMi's device plugin and
	// its vGPU monitor (one pod), KAI's binder
	{"volcano-admission-", "admission", "volcano.admission"},
	{"hami-device-plugin-", "device-plugin", "hami.device_plugin"},
	// the AMD GPU operator's controller (its chart's release name first)
	{"amd-gpu-operator-gpu-operator-charts-controller-manager-", "manager", "amd.gpu_operator"},
	{"hami-device-plugin-", "vgpu-monitor", "hami.vgpu_monitor"},
	// the same from its k8s-vgpu-scheduler days, its chart installed as release "vgpu"
	{"vgpu-device-plugin-", "device-plugin", "hami.device_plugin"},
	{"vgpu-device-plugin-", "vgpu-monitor", "hami.vgpu_monitor"},
	{"binder-", "binder", "kai.binder"},
	{"kai-scheduler-", "scheduler", "kai.scheduler"}, // KAI's scheduler itself (its shard's deployment, kai-scheduler-default)
	// the LLM-serving operators beside KServe: AIBrix's controller and gateway plugins (the
	// routing in front of vLLM, its request ids), KubeAI's server, OME's manager and model agent
	{"aibrix-controller-manager-", "manager", "aibrix.controller"},
	{"aibrix-gateway-plugins-", "gateway-plugin", "aibrix.gateway"},
	// the autoscalers that scale vLLM on its metrics: AIBrix's GPU optimizer, llm-d's workload
	// variant autoscaler (its first name, inferno): why a deployment got more replicas or not
	{"aibrix-gpu-optimizer-", "gpu-optimizer", "aibrix.gpu_optimizer"},
	{"workload-variant-autoscaler-controller-manager-", "manager", "llm_d.variant_autoscaler"},
	{"inferno-autoscaler-controller-manager-", "manager", "llm_d.variant_autoscaler"},
	{"kubeai-", "server", "kubeai.controller"},
	{"ome-controller-manager-", "manager", "ome.controller"},
	{"ome-model-agent-", "model-agent", "ome.model_agent"},
}

// componentDataset returns the dataset of a stack or cluster component's container, "" for
// another. The cluster autoscaler's chart names its container for the cloud
// (aws-cluster-autoscaler).
func componentDataset(pod, container string) string {
	if container == "install-cni" {
		// the init container that installs a CNI's plugin on the node: Calico's (also in
		// Canal's pods) and Flannel's are named as istio-cni's node agent is
		switch {
		case strings.HasPrefix(pod, "calico-node-") || strings.HasPrefix(pod, "canal-"):
			return "calico.cni"
		case strings.Contains(pod, "flannel"):
			return "flannel.log"
		}
	}
	if c := stackComponents[container]; c != "" {
		return c
	}
	if container == "agent" && strings.Contains(pod, "-predictor-") {
		return "kserve.agent" // the model agent KServe puts beside a predictor (its logger, batcher, puller)
	}
	if base, ok := strings.CutSuffix(container, "-ctr"); ok && base != "" && strings.HasPrefix(pod, base+"-") &&
		parseutil.GPUContainer(container) == "" && !strings.HasPrefix(container, "nvidia-") {
		// the NIM Operator's NIMService: its container named for the service ("<name>-ctr")
		// in the service's pods; its vLLM-style lines are NIM's, as in the chart's nim-llm
		return "nim.server"
	}
	if container == "device-plugin" && strings.Contains(pod, "-device-plugin-") && !strings.HasPrefix(pod, "hami-") && !strings.HasPrefix(pod, "vgpu-") {
		// the AMD GPU operator's device plugin, in its DeviceConfig's DaemonSet
		// (<config>-device-plugin): why a node has no amd.com/gpu ("Found 0 AMDGPUs")
		return "amd.device_plugin"
	}
	if container == "main" && strings.Contains(pod, "-kserve-router-scheduler-") {
		// the llm-d inference scheduler KServe's LLMInferenceService deploys as
		// <name>-kserve-router-scheduler (its container "main", as its model pods' is)
		return "inference_gateway.epp"
	}
	if container == "autoscaler" && (strings.Contains(pod, "-head-") || strings.HasSuffix(pod, "-head")) {
		// KubeRay's autoscaler sidecar in a Ray head pod: its monitor writes each record twice,
		// in Python's "- INFO -" layout and in Ray's; both are Ray's (the pod named
		// <cluster>-head-<hash>, or <cluster>-head alone, as newer KubeRay names it: its
		// cloud_instance_id in ray-project/kuberay pull request #3700)
		return "ray.core"
	}
	if strings.Contains(container, "sglang") {
		// SGLang's server and its router (sgl-router's Rust lines; the launcher's "[Router
		// (Rust)] ..." relay): a C++ library's line, a bare traceback, a segfault's dump
		if strings.Contains(container, "router") {
			return pylog.DatasetSGLangRouter
		}
		return pylog.DatasetSGLang
	}
	if strings.HasSuffix(container, "cluster-autoscaler") {
		return "kubernetes.cluster_autoscaler"
	}
	for _, c := range controllerPods {
		if container == c.container && strings.HasPrefix(pod, c.pod) {
			return c.dataset
		}
	}
	if container == "istio-proxy" {
		// Istio's sidecar beside a model server (KServe's serverless path): pilot-agent's own
		// lines (its zap layout); Envoy's keep envoy.server
		return "istio.proxy"
	}
	if pod == "" {
		// a Docker container outside Kubernetes by its image's name (k8spath.DockerProgram): the
		// programs a host runs as its services, run in a container (rancher/k3s in
		// docker-compose or k3d: its kubelet's lines, as from k3s's journal)
		return hostPrograms[container]
	}
	return ""
}

// otherServerAccess returns the access dataset of the Python inference server other than vLLM
// whose container's dataset (componentDataset) is component, "" for another.
func otherServerAccess(component string) string {
	switch component {
	case "lmdeploy.server":
		return "lmdeploy.access"
	case "trtllm.server":
		return "trtllm.access"
	case "nim.server":
		return "nim.access" // NVIDIA NIM for LLMs: vLLM's OpenAI server inside, NIM's formatter
	case pylog.DatasetSGLang:
		return pylog.DatasetSGLangAccess
	}
	return ""
}

// systemdStatus reports whether ev is systemd's status line on a console, as the tagged parser
// reads it (its logger systemd).
func systemdStatus(ev *event.Event) bool {
	l, _ := ev.GetString(event.FieldLogLogger)
	return l == "systemd"
}

// servingDataset is the dataset of an unrecognised line from an LLM-serving container before
// any line of it was recognised (a library's warning at start-up): vllm.server from a container
// named for vLLM, kserve.server from KServe's (its storage initializer's too); else fallback.
func servingDataset(ev *event.Event, fallback string) string {
	c := parseutil.Container(ev)
	switch {
	case vllm.ServerContainer(c):
		return vllm.DatasetServer
	case strings.Contains(c, "sglang") && !strings.Contains(c, "router"):
		// SGLang's server (its prefill and decode pods' too): a traceback that opens a
		// restart's file, Mooncake's glog lines before SGLang's first
		return pylog.DatasetSGLang
	case strings.HasPrefix(c, "kserve"), c == "storage-initializer":
		// KServe's model server, and the init container that downloads its model: a Hugging
		// Face download's bars and warnings before its first KServe line are KServe's
		return "kserve.server"
	}
	if comp := parseutil.ServingComponentOf(c); comp != "" {
		// a serving component beside vLLM (LiteLLM's proxy, Open WebUI, the router): what it
		// prints before its first recognised line (Prisma's migration at LiteLLM's start, a
		// banner) is its own
		return comp + ".server"
	}
	return fallback
}

// forgetIdle drops what is remembered of sources idle for longer than the idle timeout, so that
// rotated files and deleted pods do not grow the map for months.
func (p *Processor) forgetIdle(now time.Time) {
	p.smu.Lock()
	defer p.smu.Unlock()
	for k, s := range p.sources {
		if now.Sub(s.last) > p.cfg.IdleTimeout {
			delete(p.sources, k)
			p.forgotten++
		}
	}
}

// pythonTraceback reports whether st, an event's error.stack_trace, is a Python traceback: from
// its header, or read from its middle (a rotation's cut, an excerpt) with its exception read,
// its frames ("  File \"...\", line N, in f", also inside an exception group's drawing) or the C++ stack torch's exception message holds
// under its line ("Exception raised from recvBytes at ...").
func pythonTraceback(ev *event.Event, st string) bool {
	if first, _, _ := strings.Cut(st, "\n"); strings.HasPrefix(st, vllm.TracebackHeader) || vllm.IsGroupTraceStart(first) || vllm.IsFrameLine(first) ||
		(vllm.CaretRow(first) || strings.HasPrefix(first, "    ")) && strings.Contains(st, "\n  File \"") {
		// (an exception group's: "  + Exception Group Traceback (most recent call last):"; a
		// fragment from its first frame, its exception line cut off by the excerpt; or from a
		// frame's source line or its markers, a frame under it)
		return true
	}
	if !ev.Has(event.FieldErrorType) {
		return false
	}
	// (a paste that trimmed its lines leaves a frame's line unindented: "File \"x.py\", line 3, in f")
	return strings.Contains(st, `  File "`) || strings.HasPrefix(st, `File "`) || strings.Contains(st, "\nFile \"") ||
		strings.Contains(st, "\nException raised from ") ||
		// a fragment that opens at a frame's source line, the exception under it
		// ("    s.__pydantic_validator__.validate_python(...)", then "pydantic_core.
		// _pydantic_core.ValidationError: ..."), a Java stack's "    at ..." being another's
		strings.HasPrefix(st, "    ") && !strings.HasPrefix(strings.TrimLeft(st, " "), "at ")
}

// pythonException reports whether the event is a Python exception's line read alone, its
// traceback not printed or not pasted ("OSError: There was a specific connection error when
// trying to load ...").
func pythonException(ev *event.Event) bool {
	if !ev.Has(event.FieldErrorType) {
		return false
	}
	first, _, _ := strings.Cut(ev.Message(), "\n")
	// (under torch's "[rank3]: " too, the rank's uncaught exception's line)
	return vllm.IsBareException(strings.TrimRight(vllm.Split(first).Body, " \r"))
}
