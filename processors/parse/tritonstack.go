package parse

import (
	"strings"

	"github.com/sluice-dev/sluice/parsers/vllm"
)

// Triton's Python backend puts the Python exception's frames under its glog line, after an empty
// line and "At:" (before 24.05, with real line breaks):
//
//	I1129 08:28:33.928915 15088 pb_stub.cc:325] Failed to initialize Python stub: ValueError: Tokenizer class ...
//
//	At:
//	  /opt/.../tokenization_auto.py(748): from_pretrained
//	  /models/preprocessing/1/model.py(66): initialize
//
// These rules keep them with the line.

// tritonStubStart reports whether b is a Triton glog line from its Python backend, which the
// frames may follow.
func tritonStubStart(l *vllm.Line) bool {
	b := l.Body
	if l.Header != "" || len(b) < 30 || (b[0] != 'I' && b[0] != 'E' && b[0] != 'W') || b[5] != ' ' {
		return false
	}
	// the Python backend's lines and the server's quoting its failure ("Failed to create
	// instance: ValueError: ..."), not a C++ backend's (TensorRT-LLM's, whose native frames
	// follow instead); a line that names no Python exception has no frames to wait for
	head := b[:min(len(b), 48)]
	return (strings.Contains(head, " pb_stub.cc:") || strings.Contains(head, " python_be.cc:") ||
		strings.Contains(head, " backend_model.cc:") || strings.Contains(head, " model_lifecycle.cc:")) &&
		!strings.Contains(b, "[TensorRT-LLM]") && pythonErrorNamed(b)
}

// pythonErrorNamed reports whether b quotes a Python exception by its class: ": ValueError: ",
// ": TritonModelException: ".
func pythonErrorNamed(b string) bool {
	for _, suffix := range [...]string{"Error: ", "Exception: "} {
		if i := strings.Index(b, suffix); i > 0 {
			j := i
			for j > 0 && (b[j-1] >= 'a' && b[j-1] <= 'z' || b[j-1] >= 'A' && b[j-1] <= 'Z') {
				j--
			}
			if j > 2 && b[j-2:j] == ": " && b[j] >= 'A' && b[j] <= 'Z' {
				return true
			}
		}
	}
	return false
}

// tritonStubAccept reports whether l goes on with the frames: the empty line, "At:", then the
// frames indented by two ("path(line): function"), up to the empty line after them.
func tritonStubAccept(g *group, l *vllm.Line) bool {
	if l.Header != "" || len(g.parts) >= 4*maxMessageLines {
		return false
	}
	b := l.Body
	switch {
	case len(g.parts) == 0:
		return b == "" || b == "At:"
	case b == "At:" && g.msg == 0:
		g.msg = 1
		return true
	case g.msg == 1 && strings.HasPrefix(b, "  ") && strings.Contains(b, "): "):
		g.msg = 2
		return true
	case g.msg == 2 && strings.HasPrefix(b, "  ") && strings.Contains(b, "): "):
		return true
	case g.msg == 2 && b == "":
		g.mode = modeDone // the empty line after the frames
		return true
	}
	return false
}
