package vllm

import (
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/parsers/golden"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// TestRequestIDOnLines checks which lines get a request id, beyond the golden cases: near misses
// must get none, so that a correlation on the id never joins unrelated lines.
func TestRequestIDOnLines(t *testing.T) {
	t.Parallel()
	tests := []struct{ line, id, action string }{
		{"INFO 09-03 07:51:00 [async_llm.py:342] Request r-1 failed (engine dead", "", ""},
		{"INFO 09-03 07:51:00 [async_llm.py:342] Request r-1 failed (bad request): .", "", ""},
		{"INFO 09-03 07:51:00 [async_llm.py:342] Request r-1 failed badly.", "", ""},
		{"INFO 09-03 07:51:00 [async_llm.py:342] Request r-1 aborted.", "r-1", ActionAborted},
		{"WARNING 09-03 07:51:00 [x.py:1] Sequence group is preempted by RECOMPUTE", "", ""},
		// 0.6.0 and 0.6.1's wording (vllm-project/vllm issue #8219)
		{"WARNING 09-03 07:51:00 scheduler.py:1089] Sequence group cmpl-71c6c2702c07450bb38a3a497140d0eb-0 is preempted in PreemptionMode.RECOMPUTE mode because there is not enough KV cache space. This can affect the end-to-end performance. Increase gpu_memory_utilization or tensor_parallel_size to provide more KV cache memory. total_num_cumulative_preemption=1", "cmpl-71c6c2702c07450bb38a3a497140d0eb", ActionPreempted},
		{"WARNING 09-03 07:51:00 [x.py:1] a request was slow", "", ""},
		{"ERROR 09-03 07:51:00 [x.py:1] lost output of request cmpl-9f-0.", "cmpl-9f-0", ""},
		{"ERROR 09-03 07:51:00 [x.py:1] KV transfer failed: chatcmpl-77 (timeout)", "chatcmpl-77", ""},
		{"ERROR 09-03 07:51:00 [x.py:1] unknown xchatcmpl-77", "", ""},
		{"INFO 09-03 07:51:00 [x.py:1] request cmpl-1 is info, not scanned", "", ""},
	}
	for _, tc := range tests {
		ev := event.NewMessage(tc.line, golden.Received)
		if !New(Options{}).Parse(ev) {
			t.Fatalf("%q: not parsed", tc.line)
		}
		id, _ := ev.GetString(FieldRequestID)
		action, _ := ev.GetString(event.FieldEventAction)
		if id != tc.id || action != tc.action {
			t.Errorf("%q: id %q action %q, want %q %q", tc.line, id, action, tc.id, tc.action)
		}
	}
}

func TestMentionedID(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"Failed to advance FSM for request 7f3a-1 for tokens 1":               "7f3a-1",
		"Request chatcmpl-9b2e failed (bad request): too long":                "chatcmpl-9b2e",
		"The following fields were present in the request but ignored: {'x'}": "",
		"finished chatcmpl-41c8a. Output tokens: 12":                          "chatcmpl-41c8a",
		"Error in cmpl-ab12 while streaming":                                  "cmpl-ab12",
		"a score_ or classify- alone names nothing, nor xchatcmpl-12":         "",
		"resp_0a1b has been aborted":                                          "resp_0a1b",
		"rank-1 and embd-77 both appear":                                      "embd-77",
		"Requested request-less line":                                         "",
		"a request_id-like word: my-request 12ab is named":                    "12ab",
		"RuntimeError while serving classify-3f: CUDA error: out of memory":   "classify-3f",
		"Error in chat-4656e70d011f4049913ba3b1ab64a702: engine dead":         "chat-4656e70d011f4049913ba3b1ab64a702",
		"No chat template provided; see --chat-template for chat-2b":          "",
		"Error in pooling for pooling-4f1c2b3a: shape mismatch":               "pooling-4f1c2b3a", // 0.34's pooling ids
	}
	for line, want := range cases {
		if got := mentionedID(line); got != want {
			t.Errorf("mentionedID(%q) = %q, want %q", line, got, want)
		}
	}
}

// SetRequestID gives http.request.id the X-Request-Id a request id was built from, when it is
// 32 hex digits (a gateway's $req_id) that are not a version 4 uuid's (vLLM's own random_uuid).
func TestSetRequestIDHTTP(t *testing.T) {
	t.Parallel()
	const hex = "a7c98d98ac870f64981a997cd2f373a1"
	for id, want := range map[string]string{
		"chatcmpl-" + hex:       hex,
		"cmpl-" + hex + "-0":    hex,
		"chat-" + hex:           hex,
		"chatcmpl-" + hex + "x": "",
		"cmpl-test-0":           "",
		"chatcmpl-abc":          "",
		hex:                     "",
		"classify-" + hex[:31]:  "",
		// made by vLLM: version 4, variant 9
		"chatcmpl-4656e70d011f4049913ba3b1ab64a702": "",
		"cmpl-4eb6c0d2e3ad4e8fb0a6a1c2d3e4f5a6-0":   "",
		"chatcmpl-4656e70d011f3049913ba3b1ab64a702": "4656e70d011f3049913ba3b1ab64a702", // version 3
		"chatcmpl-4656e70d011f4049c13ba3b1ab64a702": "4656e70d011f4049c13ba3b1ab64a702", // variant c
	} {
		ev := event.New()
		SetRequestID(ev, id)
		got, _ := ev.GetString("http.request.id")
		wantID := id
		if len(id) > 30 {
			wantID = strings.TrimSuffix(id, "-0") // the client's id: a completion's prompt index is not part of it
		}
		if v, _ := ev.GetString(FieldRequestID); v != wantID || got != want {
			t.Errorf("SetRequestID(%q): vllm.request.id %q, http.request.id %q; want %q", id, v, got, want)
		}
	}
}

// Classify names a failure from its text; these are the lines that name each class.
func TestClassify(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]string{
		"ValueError: To serve at least one request with the models's max seq len (118000), (6.30 GiB KV cache is needed, which is larger than the available KV cache memory (6.11 GiB).": KindKVCache,
		"ValueError: The model's max seq len (131072) is larger than the maximum number of tokens that can be stored in KV cache (79392).":                                               KindKVCache,
		`raise ValueError("No available memory for the cache blocks. "`:                                                                                                                  KindKVCache,
		"Got fatal signal from worker processes, shutting down. See stack trace above for root cause issue.":                                                                             KindEngineDead,
		"MulitprocExecutor got fatal signal from worker processes, shutting down.":                                                                                                       KindEngineDead,
		"Worker VllmWorkerProcess pid 17336 died, exit code: -15":                                                                                                                        KindEngineDead,
		// the ACL runtime's failed synchronize on an Ascend NPU (vllm-project/vllm-ascend issue #4914)
		"RuntimeError: ACL stream synchronize failed, error code:507014": KindCUDA,
		// CANN's allocation failure on an Ascend NPU (vllm-project/vllm-ascend issue #3479)
		"EL0004: [PID: 3132] 2025-10-15-16:32:16.456.789 Failed to allocate memory.": KindNPUOOM,
		// a TPU's memory spaces in jax 0.6's words, without "XLA:TPU" (vllm-project/tpu-inference
		// pull request #508)
		"jaxlib._jax.XlaRuntimeError: RESOURCE_EXHAUSTED: Ran out of memory in memory space vmem": KindTPUOOM,
		// Ray's task error naming its cause, the cause's line cut off (vllm-project/vllm issue #15127)
		"ray.exceptions.RayTaskError(DistBackendError): ray::RayWorkerWrapper.execute_method() (pid=1100, ip=10.24.24.74)": KindNCCL,
		"Failed to load NCCL library from libnccl.so.2 .It is expected if you are not running on NVIDIA/AMD GPUs.":         KindNCCL,
		"torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 26.00 MiB.":                                         KindCUDAOOM,
		"ray.exceptions.OutOfMemoryError: Task was killed due to the node running low on memory.":                          "",
		"java.lang.OutOfMemoryError: Java heap space":                                                                      "",
		// Ray 2.0's memory monitor: the node's RAM, not a GPU's (ray-project/ray pull request #27716)
		"System memory low at node with IP 172.17.0.2. Used memory (23.63GB) / total capacity (33.28GB) (0.709971) exceeds threshold 0.7, killing latest task with name=task_a to avoid running out of memory.": "",
		"MemoryError: out of memory": "",
		// xgrammar refusing a token of a guided request, and the scheduler's end of one (both
		// in testdata/request-outcomes); a tool parser's record and harmony's refusal of
		// gpt-oss's output
		"Failed to advance FSM for request chatcmpl-cc8b486e7b81431886e0bd5b820860b8 for tokens 1. Please file an issue.": KindStructuredOutput,
		"Unexpected: grammar rejected tokens [151643, 13] for request chatcmpl-0d6f. Terminating request.":                KindStructuredOutput,
		"Error in extracting tool call from response.":                                                                    KindToolParse,
		"openai_harmony.HarmonyError: Unexpected token 200012 while expecting start token 200006":                         KindToolParse,
		// torch.compile's failures by their exception's class; a compiled forward's traceback
		// (through vllm/compilation/) whose exception is cut off is no compile failure
		"torch._dynamo.exc.BackendCompilerFailed: backend='inductor' raised:\nCalledProcessError: Command '['/usr/bin/gcc', ...]' returned non-zero exit status 1.": KindCompile,
		"torch._inductor.exc.InductorError: CalledProcessError: Command '['/usr/lib64/ccache/gcc', ...]'":                                                           KindCompile,
		"triton.compiler.errors.CompilationError: at 22:25:":                                                                                                        KindCompile,
		"  File \"/usr/local/lib/python3.12/dist-packages/vllm/compilation/cuda_graph.py\", line 126, in __call__\n    return self.runnable(*args, **kwargs)":       "",
		"  File \"/usr/local/lib/python3.12/dist-packages/vllm/compilation/decorators.py\", line 245, in __call__\ntorch.OutOfMemoryError: CUDA out of memory.":     KindCUDAOOM,
		// vLLM 0.4 to 0.9's CUTLASS kernel refusing a GPU older than its builds (a Jetson Orin,
		// dusty-nv/jetson-containers issue #1118)
		"NotImplementedError: No compiled cutlass_scaled_mm for a compute capability less than CUDA device capability: 87": KindUnsupportedArch,
		// hf_xet's download through Xet storage that failed (meta-pytorch/torchforge pull request #109)
		"RuntimeError: Data processing error: CAS service error : ReqwestMiddleware Error: Request failed after 5 retries": KindModelDownload,
		// 0.7's multimodal limit, through Xinference (xorbitsai/inference issue #3054)
		"You set image=2 (or defaulted to 1) in `--limit-mm-per-prompt`, but passed 3 image items in the same prompt.": KindMMLimit,
		// V1's engine core read from the middle of its traceback, its constructor's frame
		// under run_engine_core: it never started
		"  File \"/usr/lib/python3.12/site-packages/vllm/v1/engine/core.py\", line 704, in run_engine_core\n    engine_core = EngineCoreProc(*args, engine_index=dp_rank, **kwargs)": KindEngineInit,
		// FlashInfer's sampler naming CUDA's error in its words (vllm-project/vllm issue #20177)
		"RuntimeError: TopPSamplingFromProbs failed with error code an illegal memory access was encountered": KindCUDA,
		// and through its busy loop: what the loop raised ended it (a hung worker's RPC timeout)
		"  File \"/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/core.py\", line 959, in run_engine_core\n    engine_core.run_busy_loop()\nTimeoutError: RPC call to execute_model timed out.": KindEngineDead,
		// a CUDA failure inside the grammar backend's frames is the GPU's
		"  File \"/usr/lib/python3.12/site-packages/vllm/v1/structured_output/__init__.py\", line 184, in grammar_bitmask\ntorch.AcceleratorError: CUDA error: an illegal memory access was encountered": KindCUDA,
		"RuntimeError: Triton Error [CUDA]: an illegal memory access was encountered":                                                                                                                    KindCUDA,
		"RuntimeError: CUDA driver error: unknown error":                        KindCUDA,
		"transport/nvls.cc:246 NCCL WARN Cuda failure 3 'initialization error'": KindCUDA,
		// torch's older wording (modelscope/ms-swift issue #6107), TensorRT-LLM's runtime API
		// check, XLA on a TPU (pytorch/xla issue #9524), V1's executor (vllm-project/vllm #45784)
		"RuntimeError: NCCL Error 2: unhandled system error (run with NCCL_DEBUG=INFO for details)":                                                                                                       KindNCCL,
		"[TensorRT-LLM][ERROR] CUDA runtime error in cudaMemsetAsync(fc1_act_sf_flat, 0x0, getOffsetFlatSFArray(num_experts_per_node, num_rows, cols), stream): an illegal memory access was encountered": KindCUDA,
		"RuntimeError: Bad StatusOr access: RESOURCE_EXHAUSTED: XLA:TPU compile permanent error. Ran out of memory in memory space vmem. Used 32.42M of 16.00M vmem. Exceeded vmem capacity by 16.42M":    KindTPUOOM,
		"TpuClient::AllocateBuffer returning error after 1 attempt(s): RESOURCE_EXHAUSTED: Error allocating device buffer: Attempting to allocate 1.96G.":                                                 KindTPUOOM, // marin-community/marin issue #2387
		// the HBM by its name (vllm-project/tpu-inference pull request #1710), a program that did
		// not fit (vllm-project/vllm issue #16521, AI-Hypercomputer/tpu-recipes issue #151)
		"Error gathering blocks for request cmpl-9cbf94ef9250316c-0: RESOURCE_EXHAUSTED: Error allocating device buffer: Attempting to allocate 832.0K. That was not possible. There are 112.5K free.; (0x0x0_HBM0)": KindTPUOOM,
		"RuntimeError: Bad StatusOr access: RESOURCE_EXHAUSTED: Error loading program: Attempting to reserve 1.04G at the bottom of memory. That was not possible. There are 905.37M free":                           KindTPUOOM,
		"Exception: WorkerProc initialization failed due to an exception in a background process. See stack trace for root cause.":                                                                                   KindEngineInit,
		// V0's engine process whose constructor raised (kubeai-project/kubeai issue #533)
		"'ColumnParallelLinear' object has no attribute 'input_scale'\nTraceback (most recent call last):\n  File \"/usr/local/lib/python3.12/dist-packages/vllm/engine/multiprocessing/engine.py\", line 436, in run_mp_engine\n    engine = MQLLMEngine.from_vllm_config(": KindEngineInit,
		"WorkerProc failed to start.": KindEngineInit, // the worker's own record (vllm-project/vllm #30461)
		// vllm-omni's diffusion stage gone before its handshake (vllm-project/vllm-omni issue #2662)
		"RuntimeError: StageDiffusionProc died during handshake (exit code 1)": KindEngineInit,
		// vllm-project/vllm issue #56180: the worker's exit code in the sentence (2026)
		"Worker proc VllmWorker-0 died unexpectedly (exit code: None), shutting down executor.": KindEngineDead,
		// vllm-project/vllm-ascend issue #3367
		"Worker proc VllmWorker-4 died unexpectedly, shutting down": KindEngineDead,
		// torch_npu's watchdog on Ascend (vllm-project/vllm-ascend)
		"[Rank 1] Watchdog caught collective operation timeout: WorkHCCL(SeqNum=196, OpType=ALLREDUCE, Timeout(ms)=3600000) ran for 3600185 milliseconds before timing out.": KindNCCL,
		// vllm-project/vllm issue #17770: a Ray worker's actor gone under the engine core
		"ray.exceptions.ActorDiedError: The actor died unexpectedly before finishing this task.\n\tclass_name: RayWorkerWrapper": KindEngineDead,
		// another program's actor (verl's trainer) is no vLLM worker
		"ray.exceptions.ActorDiedError: The actor died unexpectedly before finishing this task.\n\tclass_name: WorkerDict": "",
		// vllm-project/vllm-ascend issue #8360: torch_npu's watchdog dying of the CANN error it caught
		"[Rank 4] HCCL watchdog thread terminated with exception:": KindNCCL,
		// NCCL's failed allocation of device memory, after its out-of-memory WARN (vllm-project/vllm issue #18446)
		"misc/alloc.h:129 NCCL WARN Failed to CUDA calloc 4194304 bytes": KindCUDAOOM,
		// a decode worker's NIXL handshake with the prefill side (vllm-project/vllm issue #27083)
		"RuntimeError: Remote NIXL agent engine ID mismatch. Expected 46126a31-6b81-435d-a116-e3e34a76ded3_dp0,received 96b1c4ff-9edf-4d21-b7cf-975a5f441d03_dp0.": KindKVTransfer,
		"Handshake failed for request chatcmpl": KindKVTransfer,
		// torch_npu's report of a failed HCCL operator (vllm-project/vllm-ascend's ACLgraph capture, an HCCL socket timeout under it)
		"RuntimeError: The Inner error is reported as above. The process exits for this inner error, and the current working operator name is HcclAllreduce.": KindNCCL,
		// TensorRT-LLM's executor (NVIDIA/TensorRT-LLM #5872)
		"Failed to initialize executor on rank 1: Executor creation failed due to insufficient GPU memory.": KindCUDAOOM,
		// the process's death by c10d's backend error, its what() not kept (vllm-project/vllm #23448)
		"terminate called after throwing an instance of 'c10::DistBackendError'": KindNCCL,
		// multiprocessing's report of the engine core's process that died running (vllm-project/vllm-ascend #901)
		"Process EngineCore_0:\nTraceback (most recent call last):\n  File \"/vllm-workspace/vllm/vllm/v1/engine/core.py\", line 389, in run_engine_core\n    engine_core.run_busy_loop()\n  File \"/vllm-workspace/vllm/vllm/v1/engine/core.py\", line 413, in run_busy_loop\n    self._process_engine_step()\nValueError: Expected a cuda device, but got: npu:0": KindEngineDead,
		// a prefill/decode split's KV transfer: NIXL's (vllm-project/vllm pull request #41863,
		// ai-dynamo/dynamo issues #288 and #1108), Mooncake's (vllm-project/vllm-ascend issue
		// #4866, kvcache-ai/Mooncake issue #397), a prefill's blocks expired (vllm-project/vllm #25562)
		"NIXL transfer failure: handshake_setup_failed | Context: {'failure_type': 'handshake_setup_failed', 'request_id': None}": KindKVTransfer,
		"nixlBackendError('NIXL_ERR_BACKEND')": KindKVTransfer,
		"Failed to transfer KV cache for request cmpl-09be0283-e039-40ce-aefa-da0f36c8cd46-0: Mooncake transfer failed, ret: -1":                             KindKVTransfer,
		"[rank0]: Failed to receive all KVs and hidden states, redo model forwarding.":                                                                       KindKVTransfer,
		"Releasing expired KV blocks for request cmpl-3da205a6-1c3c-41b5-aeaa-b8421e81fd5c-0 which were retrieved by 0 decode worker(s) within 120 seconds.": KindKVTransfer,
		// vLLM refusing a max_model_len above the model's warns of CUDA errors: none happened
		// (vllm-project/vllm #19660)
		"Value error, User-specified max_model_len (513) is greater than the derived max_model_len (max_position_embeddings=512 or model_max_length=None in model's config.json). This may lead to incorrect model outputs or CUDA errors. To allow overriding this maximum, set the env var VLLM_ALLOW_LONG_MAX_MODEL_LEN=1": "",
		"RuntimeError: CUDA error: an illegal memory access was encountered\nCUDA kernel errors might be asynchronously reported": KindCUDA,
		// a prefill's blocks a decode worker read after they expired (vllm-project/aibrix #1772)
		"Potentially invalid KV blocks for unrecognized request chatcmpl-129a69c8-cd1a-40e0-aa3e-94662fd8cc2b were retrieved by a decode worker. They may have expired.": KindKVTransfer,
		// an API server's process gone under the launcher of several (vllm-project/vllm-ascend #9071)
		"Exception occurred while running API servers: Process ApiServer_0 (PID: 359) died with exit code 1": KindEngineDead,
		// AITER's MLA kernel for CDNA4 on an MI308X (vllm-project/vllm #51964)
		"AssertionError: mla_gluon requires gfx950 (CDNA4), got gfx942": KindUnsupportedArch,
		// Blackwell workstation GPUs (capability 12.0) refused by kernels built for others (vLLM's
		// CUTLASS scaled mm; sgl-project/sglang #40558, FlashInfer; #26087, DeepGEMM)
		"RuntimeError: Worker failed with error 'No compiled cutlass_scaled_mm for CUDA device capability: 120. Required capability: 90 or 100', please check the stack trace above for the root cause": KindUnsupportedArch,
		"RuntimeError: Error in function 'TllmGenFmhaRunner' at /workspace/include/flashinfer/trtllm/fmha/fmhaRunner.cuh:30: Unsupported architecture":                                                  KindUnsupportedArch,
		"RuntimeError: Assertion error (/deepgemm/csrc/apis/attention.hpp:219): Unsupported architecture":                                                                                               KindUnsupportedArch,
		// V1's output handler failing (vllm-project/vllm #21951, a detokenizer's IndexError)
		"AsyncLLM output_handler failed.": KindEngineDead,
		// vLLM 0.6 on a GPU before Ampere under the FlashAttention backend (vllm-project/vllm #8189)
		"RuntimeError: Error in model execution (input dumped to /tmp/err_execute_model_input_20250111-130939.pkl): FlashAttention only supports Ampere GPUs or newer.": KindUnsupportedArch,
		// Intel's accelerators' device failures (intel/llm-scaler #348 and #424, HabanaAI/vllm-fork
		// #344), and an XPU's memory
		"RuntimeError: level_zero backend failed with error: 40 (UR_RESULT_ERROR_OUT_OF_RESOURCES)": KindCUDA,
		"RuntimeError: level_zero backend failed with error: 20 (UR_RESULT_ERROR_DEVICE_LOST)":      KindCUDA,
		"RuntimeError: synStatus=26 [Generic failure] Device acquire failed.":                       KindCUDA,
		// a Gaudi's runtime before it kills the process (HabanaAI/vllm-fork #2134)
		"Synapse detected a device critical error that requires a restart. Killing process in 5 seconds (hl: 6) 10:29:11 [No progress error]": KindCUDA,
		"RuntimeError: level_zero backend failed with error: 39 (UR_RESULT_ERROR_OUT_OF_DEVICE_MEMORY)":                                       KindXPUOOM,
	} {
		if got := Classify(text); got != want {
			t.Errorf("Classify(%q) = %q, want %q", text, got, want)
		}
	}
}

// IsBareException takes the exception lines a report keeps without their traceback, and leaves
// ordinary "Name: value" lines, Java's exceptions and messages that name no class;
// IsMessageContinuation takes the lines of a Hugging Face Hub error's message.
func TestExceptionLines(t *testing.T) {
	t.Parallel()
	bare, cont := "IsBareException", "IsMessageContinuation"
	fns := map[string]func(string) bool{bare: IsBareException, cont: IsMessageContinuation}
	for _, c := range []struct {
		fn, line string
		want     bool
	}{
		{bare, "huggingface_hub.errors.GatedRepoError: 403 Client Error.", true},
		{bare, "pydantic_core._pydantic_core.ValidationError: 1 validation error for ParallelConfig", true},
		{bare, "RuntimeError: Engine core initialization failed. See root cause above.", true},
		{bare, "safetensors_rust.SafetensorError: Error while deserializing header: HeaderTooLarge", true},
		{bare, "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 26.00 MiB.", true},
		{bare, "java.net.ConnectException: Connection refused", false},
		{bare, "MyCustomError: something", false},
		{bare, "Error: failed to start container", false},
		{bare, "ValueError:", false},
		{bare, "Status: 200 OK from the health check", false},
		{cont, "Cannot access gated repo for url https://huggingface.co/meta-llama/Meta-Llama-3-8B/resolve/main/config.json.", true},
		{cont, "Access to model meta-llama/Meta-Llama-3-8B is restricted and you are not in the authorized list.", true},
		{cont, "401 Client Error. (Request ID: Root=1-688b505e-01cc67f573bc583469af8f8e)", true},
		{cont, "404 Client Error. (Request ID: Root=1-6646)", true},
		{cont, "400 Bad Request from the upstream", false},
		{cont, "Accessing the cache at /root/.cache", false},
	} {
		if got := fns[c.fn](c.line); got != c.want {
			t.Errorf("%s(%q) = %v, want %v", c.fn, c.line, got, c.want)
		}
	}
}

func TestExternalID(t *testing.T) {
	for id, want := range map[string]string{
		"chatcmpl-9607509ecbb66b75-9e7ac72d":                     "chatcmpl-9607509ecbb66b75",
		"chatcmpl-0123456789abcdef0123456789abcdef-1a2b3c4d":     "chatcmpl-0123456789abcdef0123456789abcdef",
		"cmpl-0123456789abcdef0123456789abcdef-0-1a2b3c4d":       "cmpl-0123456789abcdef0123456789abcdef", // the client got cmpl-<id>
		"chatcmpl-1b4e28ba-2fa1-41d2-883f-0016d3cca427-deadbeef": "chatcmpl-1b4e28ba-2fa1-41d2-883f-0016d3cca427",
		"chatcmpl-0123456789abcdef0123456789abcdef":              "",                                      // the client's id already
		"cmpl-0123456789abcdef0123456789abcdef-0":                "cmpl-0123456789abcdef0123456789abcdef", // a prompt index, no suffix
		"embd-0123456789abcdef0123456789abcdef-2":                "embd-0123456789abcdef0123456789abcdef",
		"cmpl-test-0": "", // built from a client's X-Request-Id
		"chatcmpl-1b4e28ba-2fa1-41d2-883f-0016d3cca427": "",      // a uuid's last group is 12 digits
		"chatcmpl-my-request-deadbeef":                  "",      // built from a client's X-Request-Id
		"chatcmpl-9607509ecbb66b75-9E7AC72D":            "",      // vLLM's digits are lowercase
		"req-9607509ecbb66b75-9e7ac72d":                 "",      // no vLLM prefix
		"41807-b36164a2":                                "41807", // an offline batch's row (Ray Data), with the engine's suffix
		"0-b36164a2":                                    "0",
		"41807":                                         "",
		"41807-B36164A2":                                "",
		"abc-b36164a2":                                  "", // a client's X-Request-Id
		// a front end's uuid with the engine's suffix (ai-dynamo/dynamo issue #12952)
		"ae6b8d99-5ac2-4af5-a1f4-c582fc3a8a26-83d1d9cd": "ae6b8d99-5ac2-4af5-a1f4-c582fc3a8a26",
		"ae6b8d99-5ac2-4af5-a1f4-c582fc3a8a26":          "",
		"ae6b8d99-5ac2-4af5-a1f4-c582fc3a8a2-83d1d9cd":  "",
	} {
		got, ok := ExternalID(id)
		if ok != (want != "") || got != want {
			t.Errorf("ExternalID(%q) = %q, %v; want %q", id, got, ok, want)
		}
	}
}

func TestChildFailedReportState(t *testing.T) {
	border := "============================================================"
	lines := []string{"torch.distributed.elastic.multiprocessing.errors.ChildFailedError: ", border, "train.py FAILED",
		"------------------------------------------------------------", "Root Cause (first observed failure):", "[0]:",
		"  rank      : 0 (local_rank: 0)", border}
	state := MessageClosed
	for i, l := range lines {
		if i > 0 && !TakesMessageLine(l, state) {
			t.Fatalf("line %d (%q) not taken in state %d", i, l, state)
		}
		state = MessageState(l, state)
		if want := i < len(lines)-1; (state != MessageClosed) != want {
			t.Fatalf("after line %d (%q): state %d, open %v", i, l, state, want)
		}
	}
	// without its report (a wrapped or cut log), the exception line takes nothing more
	state = MessageState("torch.distributed.elastic.multiprocessing.errors.ChildFailedError:", MessageClosed)
	if TakesMessageLine("W0608 19:04:45.351000 102926 api.py:897] Sending process 1 closing signal", state) {
		t.Fatal("a line that is no border taken as the report")
	}
}

// TestExceptionOpenerPadded: vLLM's logger.exception messages with a terminal's padding after
// them still open the record their traceback follows.
func TestExceptionOpenerPadded(t *testing.T) {
	t.Parallel()
	for b, want := range map[string]bool{
		"WorkerProc hit an exception.":                         true,
		"WorkerProc hit an exception.                        ": true,
		"EngineCore encountered a fatal error.   ":             true,
		"WorkerProc hit an exception. Retrying":                false,
	} {
		if got := ExceptionOpener(b); got != want {
			t.Errorf("ExceptionOpener(%q) = %v, want %v", b, got, want)
		}
	}
}
