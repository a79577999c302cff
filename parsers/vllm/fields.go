package vllm

import (
	"strings"

	"github.com/sluice-dev/sluice/parsers"
	"github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/parsers/uvicorn"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Datasets.
const (
	DatasetServer = "vllm.server"
	DatasetAccess = "vllm.access"
)

// Field names of the vllm.* namespace. The ECS names it sets (log.origin.file.*, process.*,
// event.action, error.type, error.stack_trace) are in pipeline/event.
const (
	FieldRank = "vllm.process.rank"
	// FieldCUDADevice is the CUDA device a library's line is about (NCCL's [dev]).
	FieldCUDADevice = "gpu.cuda_device"
	// FieldPCIBusID is the bus id of the GPU an NCCL line names ("busId e3000"), as the kernel's
	// and the driver's lines give it (nvidia_xid.FieldPCIBusID).
	FieldPCIBusID = "gpu.pci_bus_id"
	FieldDPRank   = "vllm.process.dp_rank"
	FieldPPRank   = "vllm.process.pp_rank"
	FieldTPRank   = "vllm.process.tp_rank"
	FieldEPRank   = "vllm.process.ep_rank"
	FieldHostIP   = "host.ip"
	// FieldThreadName is a library's own name for the thread that wrote the line (UCX's index).
	FieldThreadName = "process.thread.name"
	FieldErrorKind  = "vllm.error.kind"

	FieldRequestID          = parseutil.FieldVLLMRequestID
	FieldPrompt             = "vllm.request.prompt"
	FieldPromptLength       = "vllm.request.prompt_length"
	FieldPromptSHA256       = "vllm.request.prompt_sha256"
	FieldPromptTokens       = "vllm.request.prompt_tokens"
	FieldLoRA               = "vllm.request.lora_name"
	FieldMaxTokens          = "vllm.request.params.max_tokens"
	FieldTemperature        = "vllm.request.params.temperature"
	FieldTopP               = "vllm.request.params.top_p"
	FieldN                  = "vllm.request.params.n"
	FieldEngine             = "vllm.engine.index"
	FieldPromptTput         = "vllm.stats.prompt_throughput"
	FieldGenTput            = "vllm.stats.generation_throughput"
	FieldRunning            = "vllm.stats.requests.running"
	FieldWaiting            = "vllm.stats.requests.waiting"
	FieldDeferred           = "vllm.stats.requests.deferred"
	FieldSwapped            = "vllm.stats.requests.swapped"
	FieldGPUKV              = "vllm.stats.gpu_kv_cache_usage.pct"
	FieldCPUKV              = "vllm.stats.cpu_kv_cache_usage.pct"
	FieldPrefixHit          = "vllm.stats.prefix_cache_hit_rate.pct"
	FieldGPUPrefixHit       = "vllm.stats.gpu_prefix_cache_hit_rate.pct"
	FieldCPUPrefixHit       = "vllm.stats.cpu_prefix_cache_hit_rate.pct"
	FieldExtPrefixHit       = "vllm.stats.external_prefix_cache_hit_rate.pct"
	FieldMMHit              = "vllm.stats.mm_cache_hit_rate.pct"
	FieldSpecAccLen         = "vllm.spec_decode.mean_acceptance_length"
	FieldSpecAccTput        = "vllm.spec_decode.accepted_throughput"
	FieldSpecDraftTput      = "vllm.spec_decode.drafted_throughput"
	FieldSpecAccepted       = "vllm.spec_decode.accepted_tokens"
	FieldSpecDrafted        = "vllm.spec_decode.drafted_tokens"
	FieldSpecAcceptRate     = "vllm.spec_decode.draft_acceptance_rate.pct"
	FieldSpecEfficiency     = "vllm.spec_decode.system_efficiency.pct"
	FieldSpecK              = "vllm.spec_decode.num_speculative_tokens"
	FieldSpecAcceptedTotal  = "vllm.spec_decode.accepted_tokens_total"
	FieldSpecDraftedTotal   = "vllm.spec_decode.drafted_tokens_total"
	FieldSpecEmittedTotal   = "vllm.spec_decode.emitted_tokens_total"
	FieldPreemptions        = "vllm.stats.preemptions"
	FieldKVXferDone         = "vllm.kv_transfer.transfers"
	FieldKVXferFailed       = "vllm.kv_transfer.failed_transfers"
	FieldKVXferFailedRecvs  = "vllm.kv_transfer.failed_recvs"
	FieldKVXferExpired      = "vllm.kv_transfer.expired_requests"
	FieldKVXferAvgMs        = "vllm.kv_transfer.avg_time_ms"
	FieldKVXferP90Ms        = "vllm.kv_transfer.p90_time_ms"
	FieldKVXferAvgMB        = "vllm.kv_transfer.avg_mb"
	FieldKVXferMBps         = "vllm.kv_transfer.throughput_mb_per_s"
	FieldKVXferToGPUBytes   = "vllm.kv_transfer.cpu_to_gpu.bytes"
	FieldKVXferToGPUSecs    = "vllm.kv_transfer.cpu_to_gpu.seconds"
	FieldKVXferToCPUBytes   = "vllm.kv_transfer.gpu_to_cpu.bytes"
	FieldKVXferToCPUSecs    = "vllm.kv_transfer.gpu_to_cpu.seconds"
	FieldCorrupted          = "vllm.stats.requests.corrupted"
	FieldDiffCommittedTput  = "vllm.diffusion_decode.committed_throughput"
	FieldDiffStepsPerCanvas = "vllm.diffusion_decode.mean_steps_per_canvas"
	FieldDiffTokensPerStep  = "vllm.diffusion_decode.mean_tokens_per_step"
	FieldDiffCommitted      = "vllm.diffusion_decode.committed_tokens"
	FieldDiffSteps          = "vllm.diffusion_decode.denoising_steps"
	FieldDiffPositions      = "vllm.diffusion_decode.canvas_positions"
	FieldKVFetchWaiting     = "vllm.stats.kv_fetch.waiting_to_start"
	FieldKVFetchActive      = "vllm.stats.kv_fetch.in_progress"
	FieldKVFetchDone        = "vllm.stats.kv_fetch.completed_waiting"
	FieldMFUTFlops          = "vllm.stats.mfu.tflops_per_device"
	FieldMFUGBps            = "vllm.stats.mfu.gb_per_s_per_device"
	FieldIterIndex          = "vllm.iteration.index"
	FieldIterCtxReqs        = "vllm.iteration.context_requests"
	FieldIterCtxTokens      = "vllm.iteration.context_tokens"
	FieldIterGenReqs        = "vllm.iteration.generation_requests"
	FieldIterGenTokens      = "vllm.iteration.generation_tokens"
	FieldIterElapsed        = "vllm.iteration.elapsed_ms"
	FieldIterEncInputs      = "vllm.iteration.encoder_inputs"
	FieldIterEncTokens      = "vllm.iteration.encoder_output_tokens"
)

// Values of event.action for the request lifecycle.
const (
	ActionReceived = "request_received"
	ActionAdded    = "request_added"
	ActionFinished = "request_finished"
	ActionAborted  = "request_aborted"
	ActionStats    = "engine_stats"
	ActionIter     = "engine_iteration" // an engine's step (--enable-logging-iteration-details)
)

// Values of vllm.error.kind.
const (
	KindCUDAOOM    = "cuda_oom"
	KindEngineDead = "engine_dead"
	KindEngineInit = "engine_init_failed"
	KindNCCL       = "nccl"
	KindCUDA       = "cuda_error"
	// KindUnsupportedArch: a kernel built without code for the GPU's architecture (CUDA's
	// "no kernel image is available for execution on the device", a CUTLASS DSL kernel's
	// "expects arch to be one of [...]", HIP's "invalid device function"): the image or the
	// backend is wrong for the GPU, not the GPU
	KindUnsupportedArch = "unsupported_arch"
	KindNPUOOM          = "npu_oom"    // an Ascend NPU's (vllm-ascend) memory, not a GPU's
	KindTPUOOM          = "tpu_oom"    // a TPU's memory (XLA's RESOURCE_EXHAUSTED on vLLM TPU), not a GPU's
	KindXPUOOM          = "xpu_oom"    // an Intel GPU's (XPU's) memory: torch-xpu's, Level Zero's
	KindHPUOOM          = "hpu_oom"    // an Intel Gaudi's (HPU's) device memory
	KindNeuronOOM       = "neuron_oom" // an AWS Neuron device's memory (Inferentia, Trainium)
	// KindKVCache: the memory left after the weights holds no KV cache, or not one request of
	// max_model_len: the server does not start (lower max_model_len, raise gpu_memory_utilization)
	KindKVCache = "kv_cache_too_small"
	// KindContextLength: a request longer than the model's context (its prompt, or the prompt
	// and max_tokens together): vLLM refuses it with a 400, the client's to fix
	KindContextLength = "context_length_exceeded"
	// KindMMLimit: a request whose images, audio or video exceed what the server takes per
	// prompt (--limit-mm-per-prompt) or what its encoder cache holds: vLLM refuses it with a 400,
	// the client's to fix (or the server's limit to raise)
	KindMMLimit = "mm_limit_exceeded"
	// KindKVTransfer: a prefill/decode split's KV cache that did not cross between the two
	// instances (a KV connector's transfer, handshake or backend failed, or a prefill's blocks
	// expired unread), or a KV connector's load that failed (an offloaded or shared cache,
	// LMCache's): the request's prompt is recomputed or the request fails
	KindKVTransfer = "kv_transfer"
	// The model could not be loaded, the server does not start (model.go): the Hub refused the
	// token (a gated or private repository), no such repository, revision or file, the download
	// failed (rate limit, network, hf_transfer, an offline cache without the files, a model
	// streamer's storage), the disk filled, the weights are corrupt or cut short, or vLLM has no
	// implementation of the model's architecture.
	KindModelAccess      = "model_access_denied"
	KindModelNotFound    = "model_not_found"
	KindModelDownload    = "model_download_failed"
	KindDiskFull         = "disk_full"
	KindWeightsCorrupt   = "weights_corrupt"
	KindUnsupportedModel = "unsupported_model"
	// KindLoRA: a LoRA adapter that did not load (no adapter at its path, a rank over
	// --max-lora-rank, weights or target modules vLLM does not take): the server goes on, the
	// requests naming the adapter fail
	KindLoRA = "lora_load_failed"
	// KindTerminated: the server stopped by a signal from outside (vLLM's SIGTERM handler raises
	// KeyboardInterrupt("terminated")): the kubelet's kill after a failed probe, a rollout, an
	// eviction; its cause is in the kubelet's lines, not the server's
	KindTerminated = "terminated"
	// KindStructuredOutput: a request's structured output (guided decoding) that its grammar
	// backend (xgrammar, guidance, outlines) could not compile or follow: a schema or regex it
	// refuses, "Failed to advance FSM for request ...", "grammar rejected tokens"; the request
	// fails or its output is cut, the server goes on
	KindStructuredOutput = "structured_output"
	// KindToolParse: a tool-call or harmony parser that could not read the model's output
	// ("Error in extracting tool call from response.", openai_harmony's HarmonyError): the
	// response carries the text as content, or fails, instead of the tool call
	KindToolParse = "tool_parse_failed"
	// KindCompile: torch.compile could not compile the model's graph (Dynamo's or Inductor's
	// exception, Triton's compiler's), at start or at a shape's
	// first request: --enforce-eager runs without it
	KindCompile = "compile_failed"
)

// MessageFields lists the fields ParseMessage may set but an HTTP client's status (uvicorn's
// fields declare http.response.status_code): what a message says, not where it came from
// (process, source file).
var MessageFields = messageFields()

func messageFields() []parsers.Field {
	var out []parsers.Field
	for _, f := range Fields {
		switch {
		case strings.HasPrefix(f.Name, "vllm.stats."), strings.HasPrefix(f.Name, "vllm.spec_decode."),
			strings.HasPrefix(f.Name, "vllm.iteration."), strings.HasPrefix(f.Name, "vllm.kv_transfer."),
			strings.HasPrefix(f.Name, "vllm.diffusion_decode."),
			strings.HasPrefix(f.Name, "vllm.request."), strings.HasPrefix(f.Name, "vllm.response."),
			strings.HasPrefix(f.Name, "error."), f.Name == FieldErrorKind, f.Name == parseutil.FieldGPUErrorKind,
			f.Name == event.FieldEventAction, f.Name == FieldRequestID, f.Name == parseutil.FieldHTTPRequestID,
			f.Name == FieldFailureReason, f.Name == FieldEngine, f.Name == FieldURLOriginal:
			out = append(out, f)
		}
	}
	return out
}

// Fields lists every field the parser may set.
// ProcessFields are the fields of a process prefix beyond its name and pid (SetProcess): other
// parsers that read a library's line under vLLM's or Ray's prefix declare them too.
var ProcessFields = []parsers.Field{
	{Name: FieldRank, Type: "long", Description: "Worker rank within its engine, from the vLLM process prefix (VllmWorker rank=N; Worker_TP3 or VllmWorker TP3 without pipeline stages, or with a first prefill context-parallel group, Worker_PCP0_TP3) or PyTorch's [rankN]."},
	{Name: FieldHostIP, Type: "ip", Description: "Address of the node a Ray actor ran on, from its prefix (RayWorkerWrapper pid=5, ip=10.0.0.5)."},
	{Name: FieldDPRank, Type: "long", Description: "Data-parallel rank a V1 worker or engine core names (Worker_DP1_TP0, EngineCore_DP1; 0.8's EngineCore_1)."},
	{Name: FieldPPRank, Type: "long", Description: "Pipeline-parallel stage a V1 worker names (Worker_PP1_TP0, VllmWorker PP1_TP0)."},
	{Name: FieldTPRank, Type: "long", Description: "Tensor-parallel rank a V1 worker names (Worker_TP3, VllmWorker TP3)."},
	{Name: FieldEPRank, Type: "long", Description: "Expert-parallel rank a V1 worker names (Worker_DP0_TP0_EP2)."},
}

var Fields = parsers.Union(ProcessFields, []parsers.Field{
	{Name: event.FieldTimestamp, Type: "date", Description: "When the line was written. vLLM's own time has no year and no zone: the year comes from the runtime or receipt time, and the container runtime's time is kept when it is the same instant."},
	{Name: event.FieldMessage, Type: "match_only_text", Description: "The line without framing and colours; tracebacks are grouped into one message; prompts are replaced as configured (prompts: hash by default)."},
	{Name: event.FieldDataset, Type: "keyword", Description: "vllm.server for server log lines, vllm.access for uvicorn access lines."},
	parseutil.Field(parseutil.FieldLogMessage),
	{Name: event.FieldLogLevel, Type: "keyword", Description: "Level in lowercase: debug, info, warning, error, critical."},
	parseutil.Field(parseutil.FieldGPUErrorKind),
	{Name: event.FieldOriginFile, Type: "keyword", Description: "Python file that logged the line (loggers.py, or a shortened path under debug logging)."},
	{Name: event.FieldOriginLine, Type: "long", Description: "Line in that file."},
	{Name: event.FieldProcessName, Type: "keyword", Description: "vLLM process that wrote the line, from its prefix: APIServer, EngineCore_DP0, VllmWorker (VllmWorker TP1 too), Worker_TP1; the innermost of nested prefixes, (Worker pid=3) (Worker_TP1 pid=3), which a process relaying another's output writes."},
	{Name: event.FieldProcessPID, Type: "long", Description: "Process id from the vLLM process prefix."},
	{Name: event.FieldLogLogger, Type: "keyword", Description: "torch or nccl for the lines vLLM's workers write through PyTorch's C++ logging or NCCL; triton for Triton's Python backend (its vLLM backend), which logs in torch's layout."},
	{Name: event.FieldHostHostname, Type: "keyword", Description: "Host named in an NCCL debug line (host:pid:tid)."},
	parseutil.Field(parseutil.FieldThread),
	{Name: FieldThreadName, Type: "keyword", Description: "Thread a logger names (Elasticsearch's elasticsearch[node-0][masterService#updateTask][T#1]; UCX's index of the thread in its process, 0, 1, ..., not an OS thread id)."},
	{Name: FieldCUDADevice, Type: "long", Description: "CUDA device (ordinal in the process, after CUDA_VISIBLE_DEVICES) that NCCL's line is about: its [dev] after host:pid:tid."},
	{Name: FieldPCIBusID, Type: "keyword", Description: "PCI address of the GPU an NCCL line names by its busId (a communicator's Init START and COMPLETE), as domain:bus:device, lowercase, without function (0000:e3:00): the physical GPU behind a rank."},
	{Name: event.FieldEventAction, Type: "keyword", Description: "What the line records: request_received, request_details, request_body, request_added, request_finished, request_aborted, request_failed, request_preempted, request_resumed, scheduler_dump, response_generated, response_details, engine_stats."},
	{Name: event.FieldErrorMsg, Type: "match_only_text", Description: "Exception message of a traceback or error line, or the text of an error line."},
	{Name: event.FieldErrorType, Type: "keyword", Description: "Exception class of the last exception in a traceback (torch.OutOfMemoryError)."},
	{Name: event.FieldErrorStack, Type: "wildcard", Description: "The traceback, from 'Traceback (most recent call last):' to its last exception line, chained exceptions included."},
	{Name: FieldURLOriginal, Type: "wildcard", Description: "On an HTTP client's exception (requests, huggingface_hub, httpx, aiohttp): the URL it names (the model file a download asked for; of a request that got no answer, the scheme, host, port and path urllib3's pool names); the status it reports (401 for a gated model on the Hub, 404, 429) is http.response.status_code."},
	{Name: FieldErrorKind, Type: "keyword", Description: "Failure class recognised in an error: cuda_oom, engine_dead (a worker's death too), engine_init_failed (a V1 engine that did not start: 'Engine core initialization failed', 'WorkerProc initialization failed', vllm-omni's 'StageDiffusionProc died during handshake'), nccl, cuda_error (other CUDA errors such as an illegal memory access), unsupported_arch (a kernel without code for the GPU's architecture: CUDA's 'no kernel image is available for execution on the device', HIP's 'invalid device function', a kernel's list of the architectures it expects; another image or backend, not another GPU), npu_oom (an Ascend NPU out of memory, vllm-ascend), tpu_oom (a TPU's memory or on-chip VMEM exhausted, XLA's RESOURCE_EXHAUSTED), xpu_oom, hpu_oom, neuron_oom (an Intel GPU's, an Intel Gaudi's, an AWS Neuron device's memory exhausted), kv_cache_too_small (no memory left for the KV cache, or less than one request of max_model_len: the server does not start), model_access_denied, model_not_found, model_download_failed, disk_full, weights_corrupt, unsupported_model (the model did not load: the Hub refused the token, no such repository or file, the download failed, the disk filled, the weights are cut short, no implementation of its architecture), lora_load_failed (a LoRA adapter that did not load: 'Loading lora ... failed', 'No adapter found', a rank over max_lora_rank, an unsupported LoRA weight or target module; the requests naming it fail), terminated (the server stopped by SIGTERM from outside: KeyboardInterrupt: terminated, as vLLM's signal handler raises it; the kubelet's kill after a failed probe, a rollout, an eviction), context_length_exceeded (a request longer than the model's context, which vLLM refuses with a 400), mm_limit_exceeded (a request with more images, audio or video than --limit-mm-per-prompt allows, or an item larger than the encoder cache: a 400 too), kv_transfer (a prefill/decode split's KV cache that did not cross: a KV connector's (NIXL's, Mooncake's) transfer, handshake or backend failed, or a prefill's blocks expired before a decode instance read them; or a KV connector's load that failed, LMCache's included: the scheduler's 'KV load failure'), structured_output (a guided request's grammar backend that could not compile or follow its schema: 'Failed to advance FSM for request ...', 'grammar rejected tokens'), tool_parse_failed (a tool-call parser, or gpt-oss's harmony parser, that could not read the model's output: 'Error in extracting tool call from response.'), compile_failed (torch.compile could not compile the model: torch._dynamo's or torch._inductor's exceptions, BackendCompilerFailed, Triton's CompilationError; --enforce-eager runs without it)."},
	parseutil.Field(FieldRequestID),
	{Name: parseutil.FieldHTTPRequestID, Type: "keyword", Description: "On a warning or error line that names a request: the X-Request-Id the request came with, when vLLM built the request id from it (chatcmpl-<32 hex digits>, not a version 4 uuid's, which vLLM makes itself when there is no header); a gateway in front logs the same value (ingress-nginx's $req_id), and so does the request's summary."},
	{Name: FieldFailureReason, Type: "keyword", Description: "Why vLLM says a request failed: engine dead, bad request, input error (V1 'Request <id> failed (...)')."},
	{Name: FieldPrompt, Type: "match_only_text", Description: "Prompt text, only with prompts: keep or truncate."},
	{Name: FieldPromptLength, Type: "long", Description: "Length of the logged prompt in characters, its Python repr's escapes read back (\\n is one character: the text the client sent; vLLM may have cut it to --max-log-len)."},
	{Name: FieldPromptSHA256, Type: "keyword", Description: "SHA-256 of the logged prompt (UTF-8), hex; lets one find repeats without storing the text."},
	{Name: FieldPromptTokens, Type: "long", Description: "Number of prompt token ids logged (the list itself is dropped unless prompts: keep)."},
	{Name: FieldLoRA, Type: "keyword", Description: "LoRA adapter name of the request, or of the adapter a line says was loaded or removed."},
	{Name: FieldMaxTokens, Type: "long", Description: "max_tokens of the request's sampling parameters."},
	{Name: FieldTemperature, Type: "float", Description: "temperature of the request's sampling parameters."},
	{Name: FieldTopP, Type: "float", Description: "top_p of the request's sampling parameters."},
	{Name: FieldN, Type: "long", Description: "n (completions per prompt) of the request's sampling parameters."},
	{Name: FieldOutput, Type: "match_only_text", Description: "Generated text of a 'Generated response' line, only with prompts: keep or truncate."},
	{Name: FieldOutputLength, Type: "long", Description: "Length of the logged output in characters."},
	{Name: FieldOutputSHA256, Type: "keyword", Description: "SHA-256 of the logged output (UTF-8), hex."},
	{Name: FieldOutputTokens, Type: "long", Description: "Number of output token ids logged (the list itself is dropped unless prompts: keep)."},
	{Name: FieldFinishReason, Type: "keyword", Description: "Why generation stopped: stop, length, abort."},
	{Name: FieldEngine, Type: "long", Description: "Engine index of a V1 stats line (Engine 000)."},
	{Name: FieldPromptTput, Type: "double", Description: "Average prompt (prefill) throughput over the stats interval, tokens/s."},
	{Name: FieldGenTput, Type: "double", Description: "Average generation (decode) throughput over the stats interval, tokens/s."},
	{Name: FieldRunning, Type: "long", Description: "Requests running."},
	{Name: FieldPreemptions, Type: "long", Description: "Requests preempted (their KV cache freed for others) in the stats interval; V1 prints it only when not zero."},
	{Name: FieldCorrupted, Type: "long", Description: "Requests whose logits held NaNs (V1, with VLLM_COMPUTE_NANS_IN_LOGITS)."},
	{Name: FieldWaiting, Type: "long", Description: "Requests waiting (V1 Waiting, V0 Pending)."},
	{Name: FieldDeferred, Type: "long", Description: "Requests deferred (V1 Deferred: a decode instance waiting on its KV transfer, a prefill/decode split)."},
	{Name: FieldSwapped, Type: "long", Description: "Requests swapped to CPU (V0 only)."},
	{Name: FieldGPUKV, Type: "scaled_float", Description: "The accelerator's KV-cache usage, 0 to 1 (GPU; since 0.34 an Intel, Ascend, Gaudi or TPU device's: XPU, NPU, HPU, TPU KV cache usage)."},
	{Name: FieldCPUKV, Type: "scaled_float", Description: "CPU KV-cache usage, 0 to 1 (V0 only)."},
	{Name: FieldPrefixHit, Type: "scaled_float", Description: "Prefix-cache hit rate, 0 to 1 (V1)."},
	{Name: FieldGPUPrefixHit, Type: "scaled_float", Description: "GPU prefix-cache hit rate, 0 to 1 (V0)."},
	{Name: FieldCPUPrefixHit, Type: "scaled_float", Description: "CPU prefix-cache hit rate, 0 to 1 (V0)."},
	{Name: FieldExtPrefixHit, Type: "scaled_float", Description: "External (KV connector) prefix-cache hit rate, 0 to 1."},
	{Name: FieldMMHit, Type: "scaled_float", Description: "Multi-modal cache hit rate, 0 to 1."},
	{Name: FieldSpecAccLen, Type: "float", Description: "Speculative decoding: mean acceptance length."},
	{Name: FieldSpecAccTput, Type: "double", Description: "Speculative decoding: accepted tokens/s."},
	{Name: FieldSpecDraftTput, Type: "double", Description: "Speculative decoding: drafted tokens/s."},
	{Name: FieldSpecAccepted, Type: "long", Description: "Speculative decoding: accepted tokens in the interval."},
	{Name: FieldSpecDrafted, Type: "long", Description: "Speculative decoding: drafted tokens in the interval."},
	{Name: FieldSpecAcceptRate, Type: "scaled_float", Description: "Speculative decoding: draft acceptance rate, 0 to 1."},
	{Name: FieldSpecEfficiency, Type: "scaled_float", Description: "Speculative decoding (V0): system efficiency, emitted tokens over the most that could have been, 0 to 1."},
	{Name: FieldSpecK, Type: "long", Description: "Speculative decoding (V0): tokens proposed per step."},
	{Name: FieldSpecAcceptedTotal, Type: "long", Description: "Speculative decoding (V0): draft tokens accepted since the engine started."},
	{Name: FieldSpecDraftedTotal, Type: "long", Description: "Speculative decoding (V0): draft tokens proposed since the engine started."},
	{Name: FieldSpecEmittedTotal, Type: "long", Description: "Speculative decoding (V0): tokens emitted since the engine started."},
	{Name: FieldDiffCommittedTput, Type: "double", Description: "Diffusion decoding (a diffusion language model, 0.34's 'DiffusionDecoding metrics:'): tokens committed per second over the stats interval."},
	{Name: FieldDiffStepsPerCanvas, Type: "float", Description: "Diffusion decoding: mean denoising steps per canvas of positions."},
	{Name: FieldDiffTokensPerStep, Type: "float", Description: "Diffusion decoding: mean tokens committed per denoising step."},
	{Name: FieldDiffCommitted, Type: "long", Description: "Diffusion decoding: tokens committed in the interval."},
	{Name: FieldDiffSteps, Type: "long", Description: "Diffusion decoding: denoising steps in the interval."},
	{Name: FieldDiffPositions, Type: "long", Description: "Diffusion decoding: canvas positions evaluated in the interval."},
	{Name: FieldKVFetchWaiting, Type: "long", Description: "Requests whose KV cache fetch (a KV connector's, on a decode instance) has not started (V1 KV fetch:)."},
	{Name: FieldKVFetchActive, Type: "long", Description: "Requests whose KV cache fetch is in progress."},
	{Name: FieldKVFetchDone, Type: "long", Description: "Requests whose KV cache fetch completed and that wait to be scheduled."},
	{Name: FieldMFUTFlops, Type: "double", Description: "Estimated compute per device over the stats interval, TFLOP/s (V1 MFU:, --enable-mfu-metrics)."},
	{Name: FieldMFUGBps, Type: "double", Description: "Estimated memory traffic per device over the stats interval, GB/s (V1 MFU:)."},
	{Name: FieldIterIndex, Type: "long", Description: "An engine step's index (Iteration(N):, --enable-logging-iteration-details)."},
	{Name: FieldIterCtxReqs, Type: "long", Description: "Requests in prefill (context) in the step."},
	{Name: FieldIterCtxTokens, Type: "long", Description: "Prefill (context) tokens of the step."},
	{Name: FieldIterGenReqs, Type: "long", Description: "Requests decoding in the step."},
	{Name: FieldIterGenTokens, Type: "long", Description: "Tokens generated in the step."},
	{Name: FieldIterElapsed, Type: "double", Description: "The step's time, milliseconds."},
	{Name: FieldIterEncInputs, Type: "long", Description: "Multi-modal encoder inputs of the step."},
	{Name: FieldIterEncTokens, Type: "long", Description: "Multi-modal encoder output embeddings of the step."},
	{Name: FieldKVXferDone, Type: "long", Description: "KV transfer (a KV connector's stats line, 'KV Transfer metrics: '; NIXL, Mooncake): transfers that succeeded in the stats interval."},
	{Name: FieldKVXferFailed, Type: "long", Description: "KV transfer: transfers that failed in the interval (NIXL counts failed handshakes and notifications with them); a decode instance whose transfers fail recomputes the prompts."},
	{Name: FieldKVXferFailedRecvs, Type: "long", Description: "KV transfer: receives that failed in the interval (Mooncake)."},
	{Name: FieldKVXferExpired, Type: "long", Description: "KV transfer: requests whose KV blocks expired before the decode instance read them, in the interval."},
	{Name: FieldKVXferAvgMs, Type: "double", Description: "KV transfer: mean time of a transfer in the interval, milliseconds."},
	{Name: FieldKVXferP90Ms, Type: "double", Description: "KV transfer: 90th percentile of a transfer's time in the interval, milliseconds."},
	{Name: FieldKVXferAvgMB, Type: "double", Description: "KV transfer: mean size of a transfer, MiB."},
	{Name: FieldKVXferMBps, Type: "double", Description: "KV transfer: throughput of the interval's transfers, MiB/s."},
	{Name: FieldKVXferToGPUBytes, Type: "long", Description: "KV offloading (the offloading connector's stats line): bytes loaded from CPU memory to the GPU in the interval."},
	{Name: FieldKVXferToGPUSecs, Type: "double", Description: "KV offloading: seconds spent loading from CPU memory to the GPU in the interval."},
	{Name: FieldKVXferToCPUBytes, Type: "long", Description: "KV offloading: bytes stored from the GPU to CPU memory in the interval."},
	{Name: FieldKVXferToCPUSecs, Type: "double", Description: "KV offloading: seconds spent storing from the GPU to CPU memory in the interval."},
}, uvicorn.Fields)
