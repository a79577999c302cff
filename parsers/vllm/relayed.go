package vllm

import (
	"strings"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// RelayedTarget reports whether target, a Python record's "%(module)s.%(funcName)s" as NVIDIA
// Dynamo's log handler writes vLLM's records ("ERROR multiproc_worker_utils.run: Worker
// VllmWorkerProcess pid 8773 died, exit code: -15"), names a vLLM module's function: a module
// only vLLM has, or a function of vLLM's under a module name other programs use too (vLLM's
// loader.load_model, config._resolve_task, engine._handle_process_request; Dynamo's own
// config.as_args is not).
func RelayedTarget(target string) bool {
	mod, fn, ok := strings.Cut(target, ".")
	if !ok {
		return false
	}
	switch mod {
	case "multiproc_worker_utils", "model_runner", "gpu_model_runner", "async_llm_engine", "llm_engine",
		"async_llm", "core_client", "multiproc_executor", "ray_distributed_executor", "gpu_worker",
		"worker_base", "weight_utils", "default_loader", "serving_chat", "serving_completion",
		"serving_engine", "serving_models", "custom_all_reduce", "pynccl", "parallel_state",
		"kv_cache_utils", "cuda_communicator", "gpu_executor", "block_manager", "cpu_gpu_block_allocator":
		return true
	case "loader":
		return fn == "load_model" || fn == "load_weights"
	case "config":
		return fn == "_resolve_task" || fn == "_verify_quantization" || fn == "_verify_cuda_graph" || fn == "_init_multimodal_config"
	case "engine":
		// V0's multiprocessing engine (vllm/engine/multiprocessing/engine.py)
		return fn == "_handle_process_request" || fn == "run_engine_loop" || fn == "run_startup_loop" ||
			fn == "_handle_abort_request" || fn == "engine_step" || fn == "run_mp_engine"
	case "core":
		// V1's engine core (vllm/v1/engine/core.py)
		return fn == "run_engine_core" || fn == "run_busy_loop" || fn == "_initialize_kv_caches"
	}
	return false
}

// Lifecycle reads a vLLM message that carries no user data, another program's logger relaying
// it (Dynamo's): the engine's stats, and the request ids of the lines that add, finish, abort,
// preempt and resume requests. It reports whether b was one.
func Lifecycle(ev *event.Event, b string) bool {
	return len(b) >= 12 && lifecycle(ev, b)
}
