package vllm

import (
	"testing"

	"github.com/sluice-dev/sluice/pipeline/event"
)

func TestHTTPFailure(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		typ, msg string
		status   int64
		url      string
	}{
		{"requests.exceptions.HTTPError", "503 Server Error: Service Unavailable for url: https://huggingface.co/api/models/x", 503, "https://huggingface.co/api/models/x"},
		{"huggingface_hub.errors.GatedRepoError", "403 Client Error. (Request ID: Root=1-x)\n\nCannot access gated repo for url https://huggingface.co/m/resolve/main/config.json.\nAccess to model m is restricted.", 403, "https://huggingface.co/m/resolve/main/config.json"},
		{"httpx.HTTPStatusError", "Server error '502 Bad Gateway' for url 'http://vllm:8000/v1/completions'\nFor more information check: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/502", 502, "http://vllm:8000/v1/completions"},
		{"aiohttp.client_exceptions.ClientResponseError", "404, message='Not Found', url=URL('https://the-eye.eu/public/AI/pile/train/00.jsonl.zst')", 404, "https://the-eye.eu/public/AI/pile/train/00.jsonl.zst"},
		{"aiohttp.client_exceptions.ClientResponseError", "400, message='Bad Request', url='http://localhost:8000/v1/chat/completions'", 400, "http://localhost:8000/v1/chat/completions"},
		{"openai.RateLimitError", "Error code: 429 - {'error': {'message': 'Too many requests'}}", 429, ""},
		// no status: not an HTTP client's message, or no code in HTTP's range
		{"ValueError", "Error code: 404 - not an openai error", 0, ""},
		{"requests.exceptions.HTTPError", "999 Client Error: Strange for url: https://x", 0, ""},
		{"RuntimeError", "CUDA error: an illegal memory access was encountered", 0, ""},
		{"aiohttp.client_exceptions.ClientResponseError", "4", 0, ""},
		{"httpx.HTTPStatusError", "Client error '", 0, ""},
	} {
		status, url := httpFailure(c.typ, c.msg)
		if status != c.status || url != c.url {
			t.Errorf("%s: %q: got %d %q, want %d %q", c.typ, c.msg, status, url, c.status, c.url)
		}
	}
}

// A model that did not load is classed by why: the Hub's refusal, a name it does not have, the
// download, the disk, the weights, the architecture; other failures are not these classes.
func TestModelLoadKind(t *testing.T) {
	eachCase(t, "Classify", Classify, map[string]string{
		"huggingface_hub.errors.GatedRepoError: 401 Client Error. (Request ID: Root=1-6638)":                                             KindModelAccess,
		"OSError: You are trying to access a gated repo.":                                                                                KindModelAccess,
		"huggingface_hub.errors.RepositoryNotFoundError: 404 Client Error. (Request ID: Root=1-66)":                                      KindModelNotFound,
		"ValueError: Invalid repository ID or local directory specified: '/models/llama'.":                                               KindModelNotFound,
		"OSError: [Errno 28] No space left on device":                                                                                    KindDiskFull,
		"safetensors_rust.SafetensorError: Error while deserializing header: MetadataIncompleteBuffer":                                   KindWeightsCorrupt,
		"huggingface_hub.errors.LocalEntryNotFoundError: An error happened while trying to locate the file":                              KindModelDownload,
		"huggingface_hub.utils._http.OfflineModeIsEnabled: Cannot reach https://huggingface.co/api/models/x/y: offline mode is enabled.": KindModelDownload,
		"Access to model meta-llama/Llama-3.2-1B is restricted. You must have access to it and be authenticated to access it.":           KindModelAccess,
		"Repo model meta-llama/Llama-2-7b is gated. You must be authenticated to access it.":                                             KindModelAccess,
		"ValueError: Model architectures ['LlamaForSequenceClassification'] are not supported for now. Supported":                        KindUnsupportedModel,
		"ValueError: GGUF model with architecture minimax-m2 is not supported yet.":                                                      KindUnsupportedModel,
		"RuntimeError: Engine core initialization failed. See root cause above.":                                                         KindEngineInit,
		"requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: https://api.example.com/v1":                              "",
		"torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 MiB.":                                                        KindCUDAOOM,
	})
	if IsGPUException("huggingface_hub.errors.GatedRepoError: 401 Client Error. (Request ID: Root=1-6638)") {
		t.Error("a gated model's refusal taken for a GPU failure")
	}
}

// The Hub answers 401 for a repository it does not show without a token: the class and the
// Hub's words say not found, over the status.
func TestModelNotFoundOverItsStatus(t *testing.T) {
	text := "huggingface_hub.errors.RepositoryNotFoundError: 401 Client Error. (Request ID: Root=1-67)\n\nRepository Not Found for url: https://huggingface.co/api/models/org/nope.\nInvalid username or password."
	if got := Classify(text); got != KindModelNotFound {
		t.Errorf("Classify = %q, want %q", got, KindModelNotFound)
	}
}

// A request that got no answer names where it went in urllib3's pool: its URL.
// An older huggingface_hub gave the gated repository's reason as "Repo model ... is gated.":
// it is the 401's reason in error.message, not a line of its own.
func TestHubReasonRepoModel(t *testing.T) {
	ev := event.New()
	setErrorLine(ev, "huggingface_hub.utils._errors.GatedRepoError: 401 Client Error. (Request ID: Root=1-66)",
		"\nCannot access gated repo for url https://huggingface.co/m/resolve/main/config.json.\nRepo model m is gated. You must be authenticated to access it.", "error")
	want := "401 Client Error. (Request ID: Root=1-66): Cannot access gated repo for url https://huggingface.co/m/resolve/main/config.json. Repo model m is gated. You must be authenticated to access it."
	if got, _ := ev.GetString(event.FieldErrorMsg); got != want {
		t.Errorf("error.message = %q, want %q", got, want)
	}
	if !IsMessageContinuation("Repo model m is gated. You must be authenticated to access it.") {
		t.Error("the Hub's reason taken for a line of its own")
	}
}

func TestPoolURL(t *testing.T) {
	eachCase(t, "poolURL", poolURL, map[string]string{
		"HTTPConnectionPool(host='localhost', port=11434): Max retries exceeded with url: /api/generate (Caused by NewConnectionError(...))": "http://localhost:11434/api/generate",
		"HTTPSConnectionPool(host='api.openai.com', port=443): Max retries exceeded with url: /v1/engines/x/completions (Caused by ...)":     "https://api.openai.com:443/v1/engines/x/completions",
		"HTTPConnectionPool(host='vllm', port=8000): Read timed out. (read timeout=600)":                                                     "",
		"Connection refused": "",
	})
}

// eachCase checks f's result for each input of cases against the one wanted.
func eachCase(t *testing.T, name string, f func(string) string, cases map[string]string) {
	t.Helper()
	for in, want := range cases {
		if got := f(in); got != want {
			t.Errorf("%s(%q) = %q, want %q", name, in, got, want)
		}
	}
}
