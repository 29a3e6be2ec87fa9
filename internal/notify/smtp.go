package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"strings"
	"time"
)

// SMTPConfig says how to reach the mail server.
type SMTPConfig struct {
	// Addr is the server's host:port. Port 465 speaks TLS from the start
	// ("implicit TLS"); any other port is upgraded with STARTTLS when the
	// server offers it.
	Addr string
	// From is the sender, an address with an optional display name
	// ("Remedy <no-reply@example.org>").
	From string
	// Username and Password, when Username is set, authenticate with AUTH
	// PLAIN, which net/smtp refuses over an unencrypted connection to
	// anything but localhost.
	Username, Password string
	// Timeout bounds one message from dial to QUIT (default 30 s).
	Timeout time.Duration
	// LocalName is the name given in EHLO (default "localhost").
	LocalName string
	// TLS is the TLS configuration (default: verify the server as Addr's host).
	TLS *tls.Config
	// Now stamps the Date header (default time.Now).
	Now func() time.Time
}

// SMTP sends email through one mail server with net/smtp.
type SMTP struct {
	cfg  SMTPConfig
	host string
	from *mail.Address
}

// NewSMTP checks cfg and returns the adapter.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil || host == "" {
		return nil, fmt.Errorf("notify: SMTP address %q is not host:port", cfg.Addr)
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("notify: SMTP sender %q is not an email address", cfg.From)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.LocalName == "" {
		cfg.LocalName = "localhost"
	}
	if cfg.TLS == nil {
		cfg.TLS = &tls.Config{}
	}
	if cfg.TLS.ServerName == "" {
		cfg.TLS = cfg.TLS.Clone()
		cfg.TLS.ServerName = host
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &SMTP{cfg: cfg, host: host, from: from}, nil
}

// Send delivers m to m.To. Errors are *Error values whose text carries no
// address (see Describe).
func (s *SMTP) Send(ctx context.Context, m Message) error {
	to, perr := mail.ParseAddress(m.To)
	if perr != nil || to.Address == "" {
		return &Error{Op: "address", Temporary: false, err: errors.New("unusable recipient address")}
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	var d net.Dialer
	conn, derr := d.DialContext(ctx, "tcp", s.cfg.Addr)
	if derr != nil {
		return wrap("dial", derr)
	}
	defer conn.Close()
	if deadline, ok := ctx.Deadline(); ok {
		conn.SetDeadline(deadline)
	}
	// Cancelling ctx (shutdown) unblocks a read or write at once.
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	implicitTLS := strings.HasSuffix(s.cfg.Addr, ":465")
	if implicitTLS {
		tc := tls.Client(conn, s.cfg.TLS)
		if err := tc.HandshakeContext(ctx); err != nil {
			return wrap("tls", err)
		}
		conn = tc
	}
	c, cerr := smtp.NewClient(conn, s.host)
	if cerr != nil {
		return wrap("hello", cerr)
	}
	defer c.Close()
	if err := c.Hello(s.cfg.LocalName); err != nil {
		return wrap("hello", err)
	}
	if !implicitTLS {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(s.cfg.TLS); err != nil {
				return wrap("tls", err)
			}
		}
	}
	if s.cfg.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, s.host)); err != nil {
			return wrap("auth", err)
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return wrap("mail", err)
	}
	if err := c.Rcpt(to.Address); err != nil {
		return wrap("rcpt", err)
	}
	w, werr := c.Data()
	if werr != nil {
		return wrap("data", werr)
	}
	if _, err := w.Write(s.compose(to, m)); err != nil {
		return wrap("data", err)
	}
	if err := w.Close(); err != nil {
		return wrap("data", err)
	}
	// The server has taken the message; a failed QUIT loses nothing.
	c.Quit()
	return nil
}

// compose writes the message: UTF-8 plain text, base64 encoded (safe for
// every script and every line length), headers encoded per RFC 2047.
func (s *SMTP) compose(to *mail.Address, m Message) []byte {
	var b bytes.Buffer
	id := make([]byte, 16)
	rand.Read(id)
	domain := "localhost"
	if at := strings.LastIndexByte(s.from.Address, '@'); at >= 0 {
		domain = s.from.Address[at+1:]
	}
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	header("From", s.from.String())
	header("To", (&mail.Address{Address: to.Address}).String())
	header("Subject", mime.BEncoding.Encode("utf-8", m.Subject))
	header("Date", s.cfg.Now().Format(time.RFC1123Z))
	header("Message-ID", "<"+hex.EncodeToString(id)+"@"+domain+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "base64")
	if m.Language != "" {
		header("Content-Language", m.Language)
	}
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	body := strings.ReplaceAll(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\n", "\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(body))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.Bytes()
}

// LogOnly is the sender for development, when no mail server is set: it
// logs that a message would have gone out (its language and size), never
// its address or content, and reports success.
type LogOnly struct {
	Logger *slog.Logger
}

// Send logs that m was handled.
func (l LogOnly) Send(ctx context.Context, m Message) error {
	l.Logger.InfoContext(ctx, "notification not delivered: no mail server configured (log-only)",
		"language", m.Language, "bytes", len(m.Subject)+len(m.Body))
	return nil
}
