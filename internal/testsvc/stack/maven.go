package stack

import (
	"archive/zip"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// artifact is a Maven coordinate; Type is "jar" unless set.
type artifact struct {
	Group, Name, Version, Type string
}

// fetchMaven resolves arts with Maven (the registry this project may use for JVM software) into
// outDir, through ~/.m2 so that a second resolution reads only the local repository. With
// transitive false only the named artifacts are copied.
func fetchMaven(workDir, outDir string, arts []artifact, transitive bool) error {
	mvn, err := exec.LookPath("mvn")
	if err != nil {
		return fmt.Errorf("maven (mvn) is not installed, needed to fetch %s:%s: %w (%w)",
			arts[0].Group, arts[0].Name, err, errMissing)
	}
	if err := os.MkdirAll(workDir, 0o755); err != nil {
		return fmt.Errorf("maven: %w", err)
	}
	var deps strings.Builder
	for _, a := range arts {
		typ := a.Type
		if typ == "" {
			typ = "jar"
		}
		fmt.Fprintf(&deps, "    <dependency><groupId>%s</groupId><artifactId>%s</artifactId>"+
			"<version>%s</version><type>%s</type></dependency>\n", a.Group, a.Name, a.Version, typ)
	}
	pom := "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n  <modelVersion>4.0.0</modelVersion>\n" +
		"  <groupId>dev.sluice.testsvc</groupId><artifactId>fetch</artifactId><version>1</version>\n" +
		"  <packaging>pom</packaging>\n  <dependencies>\n" + deps.String() + "  </dependencies>\n</project>\n"
	if err := os.WriteFile(filepath.Join(workDir, "pom.xml"), []byte(pom), 0o644); err != nil {
		return fmt.Errorf("maven: write pom: %w", err)
	}
	args := []string{"-B", "-q", "dependency:copy-dependencies", "-DoutputDirectory=" + outDir,
		"-DincludeScope=runtime", fmt.Sprintf("-DexcludeTransitive=%t", !transitive)}
	cmd := exec.Command(mvn, args...)
	cmd.Dir = workDir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("maven: resolve %s:%s:%s: %w (%w)\n%s",
			arts[0].Group, arts[0].Name, arts[0].Version, err, errMissing, lastLines(string(out), 30))
	}
	return nil
}

// unzip extracts archive into dir, keeping file modes (the Elasticsearch scripts must stay
// executable) and refusing entries that would escape dir.
func unzip(archive, dir string) error {
	r, err := zip.OpenReader(archive)
	if err != nil {
		return fmt.Errorf("unzip %s: %w", archive, err)
	}
	defer r.Close()
	for _, f := range r.File {
		dst := filepath.Join(dir, f.Name)
		if !strings.HasPrefix(dst, filepath.Clean(dir)+string(os.PathSeparator)) {
			return fmt.Errorf("unzip %s: entry %q escapes the target", archive, f.Name)
		}
		if f.FileInfo().IsDir() {
			if err := os.MkdirAll(dst, 0o755); err != nil {
				return fmt.Errorf("unzip: %w", err)
			}
			continue
		}
		if err := extractFile(f, dst); err != nil {
			return fmt.Errorf("unzip %s: %w", archive, err)
		}
	}
	return nil
}

func extractFile(f *zip.File, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	mode := f.Mode().Perm() | 0o444 // readable by the unprivileged service user too
	if mode&0o100 != 0 {
		mode |= 0o111
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	w, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, rc); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// javaHome finds a Java 17+ runtime: $JAVA_HOME, else the `java` on PATH (symlinks resolved).
func javaHome() (string, error) {
	if h := os.Getenv("JAVA_HOME"); h != "" {
		if _, err := os.Stat(filepath.Join(h, "bin", "java")); err == nil {
			return h, nil
		}
	}
	j, err := exec.LookPath("java")
	if err != nil {
		return "", fmt.Errorf("java is not installed (Kafka and Elasticsearch need Java 17+): %w (%w)", err, errMissing)
	}
	real, err := filepath.EvalSymlinks(j)
	if err != nil {
		return "", fmt.Errorf("java: %w", err)
	}
	return filepath.Dir(filepath.Dir(real)), nil
}
