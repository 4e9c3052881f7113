package main

// End-to-end proof of the OAuth login: the real
// telehjerte-central with its OpenID Connect server on loopback, the
// console's `login` (device authorization grant, approved on the central's
// page), `sync --once` with the access token, a transparent refresh after
// the access token expired, and "login expired" after the refresh token
// was revoked.

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/demo"
)

// startOIDCCentral seeds a clinic and serves it with the authorisation
// server on; it returns the base URL and demo nurse A's static token (her
// credential on the approval page), and the file its log goes to.
func startOIDCCentral(t *testing.T, accessTTL time.Duration) (string, string, string) {
	t.Helper()
	bin := buildCentral(t)
	db, tokens, token := seedCentral(t, bin, 6, 7)
	dir := filepath.Dir(db)
	addr := freeAddr(t)
	serve := exec.Command(bin, "serve", "--addr", addr, "--db", db, "--tokens", tokens, "--scan-every", "0",
		"--oidc", "--oidc-access-ttl", accessTTL.String(), "--oidc-device-poll", "1s")
	logPath := filepath.Join(dir, "central.log")
	log, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	serve.Stdout, serve.Stderr = log, log
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = serve.Process.Kill()
		_ = serve.Wait()
	})
	base := "http://" + addr
	waitFor(t, 30*time.Second, "the central's issuer", func() bool {
		res, err := http.Get(base + "/oidc/.well-known/openid-configuration")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK
	})
	return base, token, logPath
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// whoAmIStatus is the HTTP status of $whoami with a bearer token.
func whoAmIStatus(t *testing.T, base, token string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/$whoami", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

type storedTokens struct {
	Token struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
	} `json:"token"`
}

func readStore(t *testing.T, path string) storedTokens {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("token store: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("token store mode %04o, want 0600", fi.Mode().Perm())
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var s storedTokens
	if err := json.Unmarshal(raw, &s); err != nil || s.Token.AccessToken == "" || s.Token.RefreshToken == "" {
		t.Fatalf("token store holds no token set: %v", err)
	}
	return s
}

var approveLine = regexp.MustCompile(`Open (\S+) in a browser and approve the code (\S+)`)

func TestE2EOAuthLoginSyncRefreshAndExpiry(t *testing.T) {
	requireTmux(t)
	base, nurseToken, centralLog := startOIDCCentral(t, 3*time.Second)
	bin := buildBinary(t)
	issuer := base + "/oidc"
	env := isolatedEnv(t, "TELEHJERTE_CENTRAL_URL="+base, "TELEHJERTE_CENTRAL_OAUTH_ISSUER="+issuer,
		"TELEHJERTE_CENTRAL_OAUTH_CLIENT_ID=telehjerte-tui", "TELEHJERTE_USER="+demo.NurseA)
	home := strings.TrimPrefix(env[0], "HOME=")
	store := filepath.Join(home, "state", "telehjerte", "oauth-tokens.json")
	logFile := filepath.Join(home, "state", "telehjerte", "telehjerte.log")
	cachePath := filepath.Join(t.TempDir(), "replica.sqlite")
	var outputs strings.Builder // everything the console printed

	// Not logged in: sync refuses plainly.
	out, stderr, err := runBinary(t, bin, env, "--cache", cachePath, "sync", "--once")
	outputs.WriteString(out + stderr)
	if err == nil || !strings.Contains(stderr, "login expired") {
		t.Fatalf("sync before login: err %v\n%s", err, stderr)
	}

	// login prints where to approve and the code, and waits.
	login := exec.Command(bin, "login")
	login.Env = env
	stdout, err := login.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var loginErr strings.Builder
	login.Stderr = &loginErr
	if err := login.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	var uri, code string
	for uri == "" && sc.Scan() {
		outputs.WriteString(sc.Text() + "\n")
		if m := approveLine.FindStringSubmatch(sc.Text()); m != nil {
			uri, code = m[1], m[2]
		}
	}
	if uri == "" {
		_ = login.Process.Kill()
		_ = login.Wait()
		t.Fatalf("login printed no address and code; stderr:\n%s", loginErr.String())
	}
	if !strings.HasPrefix(uri, issuer+"/") {
		t.Errorf("verification address %s is not under the issuer %s", uri, issuer)
	}
	cmdline, _ := os.ReadFile("/proc/" + itoa(login.Process.Pid) + "/cmdline")
	// The practitioner approves with her credential on the central's page.
	res, err := http.PostForm(uri, url.Values{"user_code": {code}, "credential": {nurseToken}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), demo.NurseA) {
		t.Fatalf("approval: HTTP %d %s", res.StatusCode, body)
	}
	rest, _ := io.ReadAll(stdout)
	outputs.Write(rest)
	if err := login.Wait(); err != nil {
		t.Fatalf("login: %v\n%s\n%s", err, rest, loginErr.String())
	}
	outputs.WriteString(loginErr.String())
	first := readStore(t, store)

	// sync --once pulls with the access token.
	out, stderr, err = runBinary(t, bin, env, "--cache", cachePath, "sync", "--once", "--json")
	outputs.WriteString(out + stderr)
	if err != nil {
		t.Fatalf("sync --once after login: %v\n%s\n%s", err, out, stderr)
	}
	var rep syncJSON
	if err := json.Unmarshal([]byte(out), &rep); err != nil || !rep.OK || rep.Pulled["Patient"] == 0 {
		t.Fatalf("first sync: %+v %v", rep, err)
	}

	// The access token expires at the central …
	waitFor(t, 60*time.Second, "the access token to expire", func() bool {
		return whoAmIStatus(t, base, first.Token.AccessToken) == http.StatusUnauthorized
	})
	// … and the next sync refreshes it without the nurse noticing.
	out, stderr, err = runBinary(t, bin, env, "--cache", cachePath, "sync", "--once")
	outputs.WriteString(out + stderr)
	if err != nil {
		t.Fatalf("sync --once after the access token expired: %v\n%s", err, stderr)
	}
	second := readStore(t, store)
	if second.Token.AccessToken == first.Token.AccessToken || second.Token.RefreshToken == first.Token.RefreshToken {
		t.Fatal("the sync did not refresh the access token and store the rotated refresh token")
	}

	// The refresh token is revoked (RFC 7009): the login has expired.
	res, err = http.PostForm(issuer+"/revoke", url.Values{"token": {second.Token.RefreshToken},
		"token_type_hint": {"refresh_token"}, "client_id": {"telehjerte-tui"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("revoke: HTTP %d", res.StatusCode)
	}
	waitFor(t, 60*time.Second, "the last access token to expire", func() bool {
		return whoAmIStatus(t, base, second.Token.AccessToken) == http.StatusUnauthorized
	})
	out, stderr, err = runBinary(t, bin, env, "--cache", cachePath, "sync", "--once")
	outputs.WriteString(out + stderr)
	if err == nil || !strings.Contains(stderr, "login expired") || !strings.Contains(stderr, "telehjerte-tui login") {
		t.Fatalf("sync --once with a revoked login: err %v\n%s", err, stderr)
	}

	// The console itself says so on its status bar, in Danish by default,
	// never "online"; the worklist from the cache stays readable.
	requireTmux(t)
	s := startTmux(t, bin, env, "--cache", cachePath)
	scr := s.waitFor("the login-expired state", func(scr string) bool {
		return strings.Contains(scr, "login udløbet: kør telehjerte-tui login")
	})
	if strings.Contains(scr, "● online") {
		t.Errorf("the status bar says online with an expired login:\n%s", scr)
	}
	s.send("q")
	s.waitFor("the console to exit", func(scr string) bool { return strings.Contains(scr, "EXITED 0") })

	// No token in the log files, the output or the login's command line.
	logText, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatalf("log file: %v", err)
	}
	central, err := os.ReadFile(centralLog)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(central), "device approved") {
		t.Errorf("the central's log does not record the approval:\n%s", central)
	}
	logText = append(logText, central...)
	for _, tok := range []string{first.Token.AccessToken, first.Token.RefreshToken, second.Token.AccessToken, second.Token.RefreshToken, nurseToken} {
		if strings.Contains(string(logText), tok) || strings.Contains(outputs.String(), tok) || strings.Contains(string(cmdline), tok) {
			t.Fatal("a token appears in the log file, the console's output or a command line")
		}
	}
}
