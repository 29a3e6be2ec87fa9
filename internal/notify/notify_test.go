package notify_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"remedy/internal/i18n"
	"remedy/internal/notify"
	"remedy/internal/notify/notifytest"
)

func bundle(t *testing.T) *i18n.Bundle {
	t.Helper()
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var deadline = time.Date(2026, 11, 7, 9, 30, 0, 0, time.UTC)

// TestStatusChangedSaysNothingAboutTheCase: in every language the worker's
// message is in that language, and is the same whatever the case, so it
// cannot carry anything about it.
func TestStatusChangedSaysNothingAboutTheCase(t *testing.T) {
	b := bundle(t)
	en, err := notify.Render(b, notify.TemplateStatusChanged, notify.Payload{To: "w@example.com", Language: "en"}, deadline)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range i18n.Supported {
		// Fields a caller might wrongly fill must not reach the text.
		p := notify.Payload{To: "w@example.com", Language: l.Code, Reference: "RM-SECRET", Stage: "acknowledge", DeadlineAt: deadline}
		m, err := notify.Render(b, notify.TemplateStatusChanged, p, deadline)
		if err != nil {
			t.Fatal(err)
		}
		if m.Language != l.Code || m.To != "w@example.com" || m.Subject == "" || m.Body == "" {
			t.Errorf("%s: %+v", l.Code, m)
		}
		if l.Code != "en" && (m.Subject == en.Subject || m.Body == en.Body) {
			t.Errorf("%s: message is still English: %q", l.Code, m.Subject)
		}
		if strings.Contains(m.Subject+m.Body, "RM-SECRET") || strings.Contains(m.Body, "%!") || strings.Contains(m.Body, "notify.") {
			t.Errorf("%s: message says more than that there is news, or is broken:\n%s\n%s", l.Code, m.Subject, m.Body)
		}
	}
	if m, _ := notify.Render(b, notify.TemplateStatusChanged, notify.Payload{To: "w@example.com", Language: "xx"}, deadline); m.Language != "en" {
		t.Errorf("unsupported language: got %q, want English", m.Language)
	}
}

func TestDeadlineMissedStatesReferenceStageAndLateness(t *testing.T) {
	b := bundle(t)
	tests := []struct {
		lang, stage string
		late        time.Duration
		want        []string
	}{
		{"en", "acknowledge", 26*time.Hour + 5*time.Minute, []string{"RM-7Q2K", "acknowledging the case", "1 d 2 h", "2026-11-07 18:30 JST", "09:30 UTC"}},
		{"en", "referral_acknowledge", 90 * time.Minute, []string{"acknowledging a referral", "1 h 30 min"}},
		{"en", "first_response", 5 * time.Minute, []string{"first substantive response", "5 min"}},
		{"ja", "remedy_proposal", 49 * time.Hour, []string{"RM-7Q2K", "救済案の提示", "2日1時間"}},
		{"vi", "acknowledge", -time.Hour, []string{"0 phút"}},
	}
	for _, tt := range tests {
		m, err := notify.Render(b, notify.TemplateDeadlineMissed, notify.Payload{
			To: "admin@mechanism.example", Language: tt.lang, Reference: "RM-7Q2K", Stage: tt.stage, DeadlineAt: deadline,
		}, deadline.Add(tt.late))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(m.Subject, "RM-7Q2K") {
			t.Errorf("%s: subject %q lacks the reference", tt.lang, m.Subject)
		}
		for _, w := range tt.want {
			if !strings.Contains(m.Body, w) {
				t.Errorf("%s %s: body lacks %q:\n%s", tt.lang, tt.stage, w, m.Body)
			}
		}
	}
	if _, err := notify.Render(b, notify.TemplateDeadlineMissed, notify.Payload{To: "a@b.example"}, deadline); err == nil {
		t.Error("deadline_missed without reference: no error")
	}
	if _, err := notify.Render(b, "party_invitation", notify.Payload{To: "a@b.example"}, deadline); err == nil {
		t.Error("unknown template: no error")
	}
}

func TestPayloadIsBoundToItsCase(t *testing.T) {
	dek := make([]byte, 32)
	rand.Read(dek)
	p := notify.Payload{To: "w@example.com", Language: "vi"}
	sealed, err := notify.SealPayload(dek, "RM-AAAA", p, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("w@example.com")) {
		t.Fatal("address visible in the sealed payload")
	}
	got, err := notify.OpenPayload(dek, "RM-AAAA", sealed)
	if err != nil || got != p {
		t.Fatalf("open: %+v %v", got, err)
	}
	if _, err := notify.OpenPayload(dek, "RM-BBBB", sealed); err == nil {
		t.Error("a payload copied to another case opened")
	}
}

func newSMTP(t *testing.T, srv *notifytest.Server, user string) *notify.SMTP {
	t.Helper()
	cfg := notify.SMTPConfig{Addr: srv.Addr, From: "Remedy <no-reply@remedy.example>", Username: user, Password: "pw", Timeout: 5 * time.Second}
	if srv != nil {
		cfg.TLS = srv.ClientTLS()
	}
	s, err := notify.NewSMTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSMTPDelivers(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts notifytest.Options
		user string
	}{
		{"plain", notifytest.Options{}, ""},
		{"starttls and auth", notifytest.Options{STARTTLS: true, Auth: true}, "remedy"},
		{"auth on loopback without tls", notifytest.Options{Auth: true}, "remedy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := notifytest.Start(t, tc.opts)
			s := newSMTP(t, srv, tc.user)
			m := notify.Message{To: "worker@example.com", Subject: "Bạn có thông tin mới", Body: "Có tin mới cho bạn.\nDòng hai.", Language: "vi"}
			if err := s.Send(context.Background(), m); err != nil {
				t.Fatalf("send: %v", err)
			}
			mails := srv.Mails()
			if len(mails) != 1 {
				t.Fatalf("%d mails", len(mails))
			}
			got := mails[0]
			if got.From != "no-reply@remedy.example" || len(got.To) != 1 || got.To[0] != "worker@example.com" {
				t.Errorf("envelope: %q → %q", got.From, got.To)
			}
			if got.TLS != tc.opts.STARTTLS {
				t.Errorf("STARTTLS offered=%v, used=%v", tc.opts.STARTTLS, got.TLS)
			}
			if got.AuthUser != tc.user {
				t.Errorf("auth user %q, want %q", got.AuthUser, tc.user)
			}
			d, err := got.Decode()
			if err != nil {
				t.Fatal(err)
			}
			if d.Subject != m.Subject || d.Body != "Có tin mới cho bạn.\r\nDòng hai." {
				t.Errorf("decoded %q / %q", d.Subject, d.Body)
			}
			if d.Header.Get("Content-Language") != "vi" || !strings.Contains(d.Header.Get("Content-Type"), "utf-8") ||
				d.Header.Get("Message-Id") == "" || d.Header.Get("Date") == "" {
				t.Errorf("headers: %v", d.Header)
			}
		})
	}
}

func TestSMTPErrorsCarryNoAddress(t *testing.T) {
	srv := notifytest.Start(t, notifytest.Options{})
	s := newSMTP(t, srv, "")
	m := notify.Message{To: "worker@example.com", Subject: "s", Body: "b"}

	srv.FailNext(1, 550, "5.1.1 no such user")
	err := s.Send(context.Background(), m)
	var ne *notify.Error
	if !errors.As(err, &ne) || ne.Op != "rcpt" || ne.Code != 550 || ne.Temporary {
		t.Fatalf("550 at RCPT: %#v", err)
	}
	if strings.Contains(err.Error(), "worker@") || strings.Contains(notify.Describe(err), "worker@") {
		t.Errorf("error text carries the address: %q", err)
	}

	srv.FailNext(1, 451, "4.3.0 try again later")
	err = s.Send(context.Background(), m)
	if !errors.As(err, &ne) || ne.Code != 451 || !ne.Temporary {
		t.Fatalf("451: %#v", err)
	}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatalf("after the failures: %v", err)
	}

	if err := s.Send(context.Background(), notify.Message{To: "not an address\r\nBcc: x@y"}); !errors.As(err, &ne) || ne.Temporary {
		t.Errorf("bad address: %v", err)
	}

	// Nobody listening.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	closed, _ := notify.NewSMTP(notify.SMTPConfig{Addr: addr, From: "a@b.example", Timeout: 2 * time.Second})
	err = closed.Send(context.Background(), m)
	if got := notify.Describe(err); got != "smtp dial failed" {
		t.Errorf("dial failure described as %q (%v)", got, err)
	}
}

func TestNewSMTPChecksConfig(t *testing.T) {
	for _, cfg := range []notify.SMTPConfig{
		{Addr: "mail.example", From: "a@b.example"},
		{Addr: "mail.example:25", From: "not an address"},
	} {
		if _, err := notify.NewSMTP(cfg); err == nil {
			t.Errorf("NewSMTP(%+v): no error", cfg)
		}
	}
}

func TestLogOnlyLogsNoAddressOrContent(t *testing.T) {
	var buf bytes.Buffer
	l := notify.LogOnly{Logger: slog.New(slog.NewTextHandler(&buf, nil))}
	if err := l.Send(context.Background(), notify.Message{To: "worker@example.com", Subject: "SUBJ", Body: "BODY", Language: "vi"}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, "log-only") || strings.Contains(out, "worker@") || strings.Contains(out, "SUBJ") || strings.Contains(out, "BODY") {
		t.Errorf("log: %s", out)
	}
}
