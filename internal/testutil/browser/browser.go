// Package browser starts headless Debian Chromium for tests (through
// chromedp) and runs the pinned axe-core accessibility engine on pages.
//
// It is meant for _test.go files only. Every helper follows the same rules:
//
//   - under `go test -short` browser tests are skipped;
//   - when something the test needs is missing (Chromium, the installed
//     axe-core) the test is skipped with a message that says how to get it,
//     unless the environment variable CI is "true", in which case the test
//     fails instead, so that CI never goes green by skipping.
//
// scripts/test installs everything these helpers need.
package browser

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// DefaultChromium is the Debian Chromium binary used unless $REMEDY_CHROMIUM
// names another one.
const DefaultChromium = "/usr/bin/chromium"

// Timeout bounds everything one test does with its browser: starting it,
// navigating, running axe. It is generous on purpose (2-core CI machines).
const Timeout = 2 * time.Minute

// AxeScriptPath is where scripts/test installs axe-core (npm ci in
// tools/axe), relative to the module root.
const AxeScriptPath = "tools/axe/node_modules/axe-core/axe.min.js"

// InCI reports whether missing test dependencies must fail rather than
// skip tests: the environment variable CI is "true" (or "1").
func InCI() bool {
	v := strings.TrimSpace(os.Getenv("CI"))
	return strings.EqualFold(v, "true") || v == "1"
}

// skipOrFatal skips the test locally and fails it in CI.
func skipOrFatal(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if InCI() {
		t.Fatalf("%s (CI=true: missing test dependencies are failures, not skips)", msg)
	}
	t.Skip(msg)
}

// ChromiumPath returns the Chromium binary to use: $REMEDY_CHROMIUM if set,
// else /usr/bin/chromium. A bare name is looked up in $PATH.
func ChromiumPath() string {
	if p := strings.TrimSpace(os.Getenv("REMEDY_CHROMIUM")); p != "" {
		return p
	}
	return DefaultChromium
}

func findChromium() (string, error) {
	p := ChromiumPath()
	if !strings.ContainsRune(p, os.PathSeparator) {
		return exec.LookPath(p)
	}
	fi, err := os.Stat(p)
	if err != nil {
		return "", err
	}
	if fi.IsDir() || fi.Mode()&0o111 == 0 {
		return "", fmt.Errorf("%s is not an executable file", p)
	}
	return p, nil
}

// New starts a fresh headless Chromium (own temporary profile) and returns
// the context of its first tab, for use with chromedp.Run. The browser is
// closed and its profile removed when the test ends. All work on the
// context must finish within Timeout.
func New(t testing.TB) context.Context {
	t.Helper()
	return start(t, false)
}

// NewNoJS is like New, but page JavaScript is disabled on the tab
// (Emulation.setScriptExecutionDisabled) before anything is loaded, so the
// test sees what a visitor without JavaScript sees; the setting holds for
// every later navigation on the tab. Axe works on such a tab (see Axe for
// how). chromedp actions that need page JavaScript callbacks (for example
// chromedp.Evaluate of a promise) do not complete on it; synchronous
// queries and DOM-based actions do.
func NewNoJS(t testing.TB) context.Context {
	t.Helper()
	return start(t, true)
}

func start(t testing.TB, noJS bool) context.Context {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped under -short")
	}
	execPath, err := findChromium()
	if err != nil {
		skipOrFatal(t, "browser tests need Chromium at %s (set REMEDY_CHROMIUM to use another binary, or run scripts/test to install Debian's chromium): %v", ChromiumPath(), err)
	}

	profile, err := os.MkdirTemp("", "remedy-chromium-")
	if err != nil {
		t.Fatalf("browser: creating a temporary profile directory: %v", err)
	}

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(execPath),
		chromedp.UserDataDir(profile),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		chromedp.WindowSize(1280, 900),
	}

	// Errors chromedp reports in the background (for example protocol
	// events this cdproto version does not know) go to the test log, but
	// never after the test has finished.
	var logMu sync.Mutex
	logOpen := true
	logf := func(format string, args ...any) {
		logMu.Lock()
		defer logMu.Unlock()
		if logOpen {
			t.Logf("chromedp: "+format, args...)
		}
	}

	timeoutCtx, cancelTimeout := context.WithTimeout(context.Background(), Timeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(timeoutCtx, opts...)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithErrorf(logf))

	t.Cleanup(func() {
		// Close the browser gracefully, then make sure the process is gone
		// (cancelAlloc waits for it) before removing its profile.
		_ = chromedp.Cancel(tabCtx)
		cancelTab()
		cancelAlloc()
		cancelTimeout()
		logMu.Lock()
		logOpen = false
		logMu.Unlock()
		if err := removeAllRetry(profile); err != nil {
			t.Logf("browser: could not remove temporary profile %s: %v", profile, err)
		}
	})

	// Start the browser now, so that a broken install fails here, with a
	// clear message, rather than in the first action of the test.
	actions := []chromedp.Action{}
	if noJS {
		actions = append(actions, emulation.SetScriptExecutionDisabled(true))
	}
	if err := chromedp.Run(tabCtx, actions...); err != nil {
		t.Fatalf("browser: starting %s: %v", execPath, err)
	}
	if noJS {
		return context.WithValue(tabCtx, noJSKey{}, true)
	}
	return tabCtx
}

// noJSKey marks a context from NewNoJS, for Axe.
type noJSKey struct{}

// removeAllRetry removes dir, retrying briefly: Chromium helper processes
// may still be writing to the profile for a moment after the browser exits.
func removeAllRetry(dir string) error {
	var err error
	for i := 0; i < 10; i++ {
		if err = os.RemoveAll(dir); err == nil {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return err
}

// Violation is one axe-core rule that failed on the page.
type Violation struct {
	ID     string   `json:"id"`     // axe rule id, e.g. "label", "color-contrast"
	Impact string   `json:"impact"` // "minor", "moderate", "serious" or "critical"
	Help   string   `json:"help"`   // one-line description of the rule
	Nodes  []string `json:"nodes"`  // each failing element: CSS selector and an HTML excerpt
}

func (v Violation) String() string {
	return fmt.Sprintf("%s (%s): %s", v.ID, v.Impact, v.Help)
}

var (
	axeMu     sync.Mutex
	axeByPath = map[string]string{}
)

// moduleRoot walks up from the working directory (the package directory
// under go test) to the directory holding go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod found above the working directory")
		}
		dir = parent
	}
}

// axeSource returns the contents of the installed axe.min.js, or skips
// (fails in CI) the test when it is not installed.
func axeSource(t testing.TB) string {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		t.Fatalf("browser: finding the module root: %v", err)
	}
	path := filepath.Join(root, filepath.FromSlash(AxeScriptPath))
	axeMu.Lock()
	defer axeMu.Unlock()
	if src, ok := axeByPath[path]; ok {
		return src
	}
	b, err := os.ReadFile(path)
	if err != nil {
		skipOrFatal(t, "axe-core is not installed (%v): run scripts/test once to install axe-core (npm ci in tools/axe)", err)
	}
	axeByPath[path] = string(b)
	return string(b)
}

// axeRunJS runs axe on the whole document and returns the violations in
// the shape of Violation.
const axeRunJS = `(async () => {
  const results = await axe.run(document, {resultTypes: ['violations']});
  const sel = (target) => (target || []).map(
    (part) => Array.isArray(part) ? part.join(' >>> ') : String(part)).join(' ');
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact || '',
    help: v.help,
    nodes: v.nodes.map((n) => {
      const html = (n.html || '').replace(/\s+/g, ' ');
      return sel(n.target) + '  ' + (html.length > 160 ? html.slice(0, 157) + '...' : html);
    }),
  }));
})()`

func awaitPromise(p *runtime.EvaluateParams) *runtime.EvaluateParams {
	return p.WithAwaitPromise(true)
}

// Axe injects the pinned axe-core into the page currently loaded in ctx
// (a context from New or NewNoJS) and returns every violation it reports.
//
// On a NewNoJS tab, axe.run cannot finish while page scripts are disabled:
// Runtime.evaluate still runs synchronous code, but Chromium then runs no
// callbacks (timers, microtasks), and axe.run depends on them. So Axe
// re-enables script execution on the tab only while axe runs and disables
// it again before returning. The DOM axe inspects is the one built without
// JavaScript: page scripts that were skipped while loading do not run
// later, and nothing axe does fires page event handlers.
func Axe(t testing.TB, ctx context.Context) []Violation {
	t.Helper()
	src := axeSource(t)
	noJS, _ := ctx.Value(noJSKey{}).(bool)
	var violations []Violation
	err := chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) (err error) {
		if noJS {
			if err := emulation.SetScriptExecutionDisabled(false).Do(ctx); err != nil {
				return fmt.Errorf("enabling scripts for axe: %w", err)
			}
			defer func() {
				if e := emulation.SetScriptExecutionDisabled(true).Do(ctx); e != nil && err == nil {
					err = fmt.Errorf("disabling scripts again after axe: %w", e)
				}
			}()
		}
		var loaded bool
		if err := chromedp.Evaluate(`typeof window.axe === 'object' && typeof window.axe.run === 'function'`, &loaded).Do(ctx); err != nil {
			return err
		}
		if !loaded {
			// The script's own result is not needed.
			if err := chromedp.Evaluate(src+"\n;undefined", nil).Do(ctx); err != nil {
				return fmt.Errorf("injecting axe.min.js: %w", err)
			}
		}
		return chromedp.Evaluate(axeRunJS, &violations, awaitPromise).Do(ctx)
	}))
	if err != nil {
		t.Fatalf("browser: running axe-core: %v", err)
	}
	return violations
}

// SeriousViolations keeps the violations whose impact is serious or
// critical.
func SeriousViolations(v []Violation) []Violation {
	var out []Violation
	for _, x := range v {
		if x.Impact == "serious" || x.Impact == "critical" {
			out = append(out, x)
		}
	}
	return out
}

// AssertNoSeriousViolations runs Axe on the page loaded in ctx and marks
// the test failed (it goes on running) if any violation is serious or
// critical, listing each rule id, its help text and its first nodes.
// pageName identifies the page in the message.
func AssertNoSeriousViolations(t testing.TB, ctx context.Context, pageName string) {
	t.Helper()
	serious := SeriousViolations(Axe(t, ctx))
	if len(serious) == 0 {
		return
	}
	t.Errorf("%s: %s", pageName, FormatViolations(serious))
}

// FormatViolations renders violations for a test failure message.
func FormatViolations(v []Violation) string {
	const maxNodes = 3
	var b strings.Builder
	fmt.Fprintf(&b, "%d accessibility violation(s):", len(v))
	for _, x := range v {
		fmt.Fprintf(&b, "\n  - %s", x)
		for i, n := range x.Nodes {
			if i == maxNodes {
				fmt.Fprintf(&b, "\n      ... and %d more", len(x.Nodes)-maxNodes)
				break
			}
			fmt.Fprintf(&b, "\n      %s", n)
		}
	}
	return b.String()
}
