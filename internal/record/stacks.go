package main

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// stackEnv is what a child-process stack gets to start.
type stackEnv struct {
	Root string // internal/record
	Tmp  string // a temp dir for this run: pid files, logs, prefixes
	Log  func(string, ...any)
}

// Dir is the stack's config directory, internal/record/stacks/<name>.
func (e *stackEnv) Dir(name string) string { return filepath.Join(e.Root, "stacks", name) }

// stacks lists every server stack, each on its own fixed port.
var stacks = []*Stack{
	{Name: "go", Port: 8801},
	{Name: "rscors", Port: 8802},
	{Name: "express", Port: 8803, Need: needExpress, Start: startExpress},
	{Name: "nginx", Port: 8804, Need: needBinary("/usr/sbin/nginx", "apt-get install nginx"), Start: startNginx},
	{Name: "apache", Port: 8805, Need: needBinary("/usr/sbin/apache2", "apt-get install apache2"), Start: startApache},
	{Name: "flask", Port: 8806, Need: needPython("flask", "flask_cors"), Start: startFlask},
	{Name: "django", Port: 8807, Need: needPython("django", "corsheaders"), Start: startDjango},
	{Name: "gin", Port: 8810},
	{Name: "caddy", Port: 8812, Need: needBinary("/usr/bin/caddy", "apt-get install caddy"), Start: startCaddy},
	{Name: "rack", Port: 8813, Need: needRack, Start: startRack},
	{Name: "fastapi", Port: 8811, Need: needPython("fastapi", "starlette", "uvicorn"), Start: startFastAPI},
	{Name: "php", Port: phpPort, Need: needBinary("/usr/bin/php", "apt-get install php-cli"), Start: startPHP},
	{Name: "django-fixed", Port: 8817, Need: needPython("django", "corsheaders"), Start: startDjangoFixed},
	{Name: "vite", Port: 8820, Need: needNodeModules("vite", "vite"), Start: startVite},
	{Name: "webpack", Port: 8823, Need: needNodeModules("webpack", "webpack", "webpack-dev-server"), Start: startWebpack},
	{Name: "next", Port: 8826, Need: needNodeModules("next", "next", "react", "react-dom"), Start: startNext},
}

func needBinary(path, hint string) func() error {
	return func() error {
		if _, err := os.Stat(path); err != nil {
			return fmt.Errorf("%s missing (%s)", path, hint)
		}
		return nil
	}
}

// debianPython is Debian's interpreter: the python3 on PATH may be a pyenv
// build without Debian's python3-flask, python3-django and friends.
const debianPython = "/usr/bin/python3"

func needPython(modules ...string) func() error {
	return func() error {
		if _, err := os.Stat(debianPython); err != nil {
			return fmt.Errorf("%s missing", debianPython)
		}
		for _, m := range modules {
			cmd := exec.Command(debianPython, "-c", "import "+m)
			if out, err := cmd.CombinedOutput(); err != nil {
				return fmt.Errorf("python module %s missing (apt-get install python3-%s): %s", m,
					strings.ReplaceAll(strings.ReplaceAll(m, "_", "-"), "corsheaders", "django-cors-headers"), firstLine(out))
			}
		}
		return nil
	}
}

func firstLine(b []byte) string {
	s := strings.TrimSpace(string(b))
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return s
}

// startChild runs a server process in its own process group (so that its
// workers end with it) and waits until it listens on port.
func startChild(env *stackEnv, name string, port int, dir string, extraEnv []string, argv ...string) (func(), error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), extraEnv...)
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	// done is closed when the process has ended; waitErr holds why.
	done := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(done) }()
	stop := func() {
		// End the process group this recorder started, and only it.
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	}
	if err := waitPort(port, 20*time.Second, done, &waitErr); err != nil {
		stop()
		return nil, fmt.Errorf("%s did not start: %v\n%s", name, err, log.String())
	}
	return stop, nil
}

// waitPort waits until 127.0.0.1:port accepts connections.
func waitPort(port int, timeout time.Duration, exited <-chan struct{}, why *error) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 200*time.Millisecond)
		if err == nil {
			conn.Close()
			return nil
		}
		select {
		case <-exited:
			err := *why
			if err == nil {
				err = errors.New("exit status 0")
			}
			return fmt.Errorf("process ended: %v", err)
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("nothing listens on port %d after %s", port, timeout)
}
