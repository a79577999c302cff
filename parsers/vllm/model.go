package vllm

import "strings"

// modelLoadKind returns the class of a failure to load the model a server serves, "" for
// another text: the words of huggingface_hub's errors (its HTTP errors print the status with
// "Client Error. (Request ID: ...)" and the Hub's reason under it), transformers', safetensors',
// the Run:ai model streamer's, the OS's and vLLM's model registry's. The cause in the engine's
// traceback wins over "Engine core initialization failed", which only says that it did not start.
func modelLoadKind(text string) string {
	switch {
	// the Hub's exception classes first: a RepositoryNotFoundError comes with a 401 when the
	// token is missing (the Hub does not tell a private repository from none)
	case containsAny(text, "LocalEntryNotFoundError", "OfflineModeIsEnabled"):
		// (no EntryNotFoundError: the file was not reachable, not absent; HF_HUB_OFFLINE=1 and
		// the file not in the cache)
		return KindModelDownload
	case containsAny(text, "RepositoryNotFoundError", "RevisionNotFoundError", "EntryNotFoundError", "Repository Not Found for url",
		"is not a local folder and is not a valid model identifier"):
		// a model name or revision that the Hub does not have (or will not show without a
		// token), a file the repository lacks, a local path the volume does not hold
		return KindModelNotFound
	case containsAny(text, "GatedRepoError", "Cannot access gated repo for url", "You are trying to access a gated repo",
		"is restricted. You must be authenticated to access it", "is restricted and you are not in the authorized list",
		"is restricted. You must have access to it and be authenticated", " is gated. You must be authenticated to access it",
		"401 Client Error. (Request ID:", "403 Client Error. (Request ID:",
		"401 Client Error: Unauthorized for url: https://huggingface.co"):
		// a gated or private model and a token without access to it (or none)
		return KindModelAccess
	case containsAny(text, "An error occurred while downloading using `hf_transfer`",
		"We couldn't connect to 'https://huggingface.co'", "429 Client Error: Too Many Requests for url: https://huggingface.co",
		"429 Client Error. (Request ID:", "Could not send runai_request to libstreamer",
		"Data processing error: CAS service error"):
		// the download that failed: the Hub's rate limit, the network, hf_transfer, hf_xet's
		// Xet storage ("RuntimeError: Data processing error: CAS service error : ReqwestMiddleware
		// Error: Request failed after 5 retries"), an offline cache without the files
		// (HF_HUB_OFFLINE), the Run:ai streamer's object store
		return KindModelDownload
	case containsAny(text, "404 Client Error. (Request ID:", "Invalid repository ID or local directory specified"):
		return KindModelNotFound
	case containsAny(text, "No space left on device", "[Errno 28]"):
		return KindDiskFull
	case containsAny(text, "SafetensorError", "HeaderTooLarge", "MetadataIncompleteBuffer", "Error while deserializing header",
		"incomplete metadata, file not fully covered"):
		// weights cut short (a download or a copy that did not finish) or not safetensors at all
		return KindWeightsCorrupt
	case strings.Contains(text, "Model architectures ") &&
		containsAny(text, "are not supported for now", "failed to be inspected"):
		// vLLM's registry without the model's class (an older vLLM, an embedding or
		// classification head it does not serve), or one whose inspection failed
		return KindUnsupportedModel
	case strings.Contains(text, "GGUF model with architecture ") && strings.Contains(text, " is not supported"):
		// transformers reading a GGUF file's config for vLLM, an architecture it cannot map
		// ("ValueError: GGUF model with architecture minimax-m2 is not supported yet.")
		return KindUnsupportedModel
	}
	return ""
}

// HubGatedRepo opens the line huggingface_hub's GatedRepoError says which file it could not get
// on ("Cannot access gated repo for url https://huggingface.co/.../config.json."), its reason on
// the line under it.
const HubGatedRepo = "Cannot access gated repo for url "

// HubRefusal reports whether b is a line of its own under the Hugging Face Hub's HTTP error that
// says why it did not serve a model: a gated or private repository without access.
func HubRefusal(b string) bool {
	return strings.HasPrefix(b, "Access to model ") && strings.Contains(b, " is restricted") || strings.HasPrefix(b, HubGatedRepo)
}

// loraKind returns KindLoRA for the words of a LoRA adapter that did not load: vLLM's worker
// manager's ("Loading lora sql_adapter failed: No adapter found for /adapters/sql"), the PEFT
// config's check ("LoRA rank 256 is greater than max_lora_rank 16."), the weights' ("... is
// unsupported LoRA weight", "While loading ..., expected target modules in [...] but received
// [...]"), and V1's engine core's record of the call that raised ("Invocation of add_lora method
// failed"); "" for another text.
func loraKind(text string) string {
	if strings.Contains(text, "Loading lora ") && strings.Contains(text, " failed") ||
		containsAny(text, "is greater than max_lora_rank", "is unsupported LoRA weight", "Invocation of add_lora method failed",
			"No adapter found for ") ||
		strings.Contains(text, "expected target modules in ") && strings.Contains(text, " but received ") {
		return KindLoRA
	}
	return ""
}
