// Package notifytest is an in-process SMTP server for tests: it speaks
// enough SMTP (EHLO, STARTTLS, AUTH PLAIN, MAIL, RCPT, DATA, RSET, NOOP,
// QUIT) for net/smtp, keeps every message it accepts, and can be told to
// refuse the next deliveries.
package notifytest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"io"
	"math/big"
	"mime"
	"net"
	"net/mail"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"
)

// Options choose what the server offers.
type Options struct {
	STARTTLS bool // offer STARTTLS with a self-signed certificate (see ClientTLS)
	Auth     bool // offer AUTH PLAIN
}

// Mail is one accepted message.
type Mail struct {
	From     string
	To       []string
	Data     []byte
	AuthUser string // the user of AUTH PLAIN, if any
	TLS      bool   // whether the session had upgraded with STARTTLS
}

// Server is a running fake SMTP server.
type Server struct {
	Addr string

	opts  Options
	ln    net.Listener
	cert  tls.Certificate
	roots *x509.CertPool

	mu        sync.Mutex
	mails     []Mail
	failN     int
	failCode  int
	failText  string
	sessions  int
	arrivedCh chan struct{}
	wg        sync.WaitGroup
}

// Start runs a server on 127.0.0.1 until the test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Addr: ln.Addr().String(), opts: opts, ln: ln, arrivedCh: make(chan struct{}, 1000)}
	if opts.STARTTLS {
		s.cert, s.roots = selfSigned(t)
	}
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(func() {
		ln.Close()
		s.wg.Wait()
	})
	return s
}

// ClientTLS returns a client configuration that trusts the server's
// certificate.
func (s *Server) ClientTLS() *tls.Config { return &tls.Config{RootCAs: s.roots} }

// FailNext makes the next n deliveries fail at RCPT with code and text;
// the server adds the refused address to text, as real servers do.
func (s *Server) FailNext(n, code int, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failN, s.failCode, s.failText = n, code, text
}

// Mails returns the messages accepted so far.
func (s *Server) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

// Sessions returns how many connections the server has served.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions
}

// WaitMails waits until at least n messages arrived, or fails the test.
func (s *Server) WaitMails(t testing.TB, n int, timeout time.Duration) []Mail {
	t.Helper()
	deadline := time.After(timeout)
	for {
		if m := s.Mails(); len(m) >= n {
			return m
		}
		select {
		case <-s.arrivedCh:
		case <-deadline:
			t.Fatalf("notifytest: %d messages arrived within %v, want %d", len(s.Mails()), timeout, n)
		}
	}
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.sessions++
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(30 * time.Second))
			s.serve(conn)
		}()
	}
}

func (s *Server) serve(conn net.Conn) {
	tp := textproto.NewConn(conn)
	reply := func(format string, args ...any) { tp.PrintfLine(format, args...) }
	reply("220 fake.smtp ESMTP ready")
	var cur Mail
	secure := false
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			var ext []string
			if s.opts.STARTTLS && !secure {
				ext = append(ext, "STARTTLS")
			}
			if s.opts.Auth {
				ext = append(ext, "AUTH PLAIN")
			}
			ext = append(ext, "8BITMIME")
			reply("250-fake.smtp greets %s", arg)
			for i, e := range ext {
				if i == len(ext)-1 {
					reply("250 %s", e)
				} else {
					reply("250-%s", e)
				}
			}
		case "HELO":
			reply("250 fake.smtp")
		case "STARTTLS":
			if !s.opts.STARTTLS || secure {
				reply("502 5.5.1 not offered")
				continue
			}
			reply("220 2.0.0 go ahead")
			tc := tls.Server(conn, &tls.Config{Certificates: []tls.Certificate{s.cert}})
			if err := tc.Handshake(); err != nil {
				return
			}
			conn, secure = tc, true
			tp = textproto.NewConn(conn)
			reply = func(format string, args ...any) { tp.PrintfLine(format, args...) }
			cur = Mail{}
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			if !s.opts.Auth || !strings.EqualFold(mech, "PLAIN") {
				reply("504 5.5.4 unrecognised mechanism")
				continue
			}
			raw, err := base64.StdEncoding.DecodeString(resp)
			parts := strings.Split(string(raw), "\x00")
			if err != nil || len(parts) != 3 {
				reply("501 5.5.2 bad response")
				continue
			}
			cur.AuthUser = parts[1]
			reply("235 2.7.0 authenticated")
		case "MAIL":
			cur.From, cur.To = addrOf(arg), nil
			reply("250 2.1.0 ok")
		case "RCPT":
			to := addrOf(arg)
			s.mu.Lock()
			fail := s.failN > 0
			code, text := s.failCode, s.failText
			if fail {
				s.failN--
			}
			s.mu.Unlock()
			if fail {
				reply("%d %s <%s>", code, text, to)
				continue
			}
			cur.To = append(cur.To, to)
			reply("250 2.1.5 ok")
		case "DATA":
			if len(cur.To) == 0 {
				reply("503 5.5.1 no recipients")
				continue
			}
			reply("354 end with <CRLF>.<CRLF>")
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			cur.Data, cur.TLS = data, secure
			s.mu.Lock()
			s.mails = append(s.mails, cur)
			s.mu.Unlock()
			select {
			case s.arrivedCh <- struct{}{}:
			default:
			}
			auth := cur.AuthUser
			cur = Mail{AuthUser: auth}
			reply("250 2.0.0 queued")
		case "RSET":
			cur = Mail{AuthUser: cur.AuthUser}
			reply("250 2.0.0 ok")
		case "NOOP":
			reply("250 2.0.0 ok")
		case "QUIT":
			reply("221 2.0.0 bye")
			return
		default:
			reply("502 5.5.2 unknown command")
		}
	}
}

// addrOf takes the address out of "FROM:<a@b> SIZE=…" or "TO:<a@b>".
func addrOf(arg string) string {
	if i := strings.IndexByte(arg, '<'); i >= 0 {
		if j := strings.IndexByte(arg[i:], '>'); j >= 0 {
			return arg[i+1 : i+j]
		}
	}
	return arg
}

// Decoded is an accepted message with its subject and body decoded.
type Decoded struct {
	Header  mail.Header
	Subject string
	Body    string
}

// Decode parses the message and decodes its subject (RFC 2047) and body
// (base64 or quoted-printable, or as is).
func (m Mail) Decode() (Decoded, error) {
	msg, err := mail.ReadMessage(strings.NewReader(string(m.Data)))
	if err != nil {
		return Decoded{}, err
	}
	d := Decoded{Header: msg.Header}
	if d.Subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return d, err
	}
	raw, err := io.ReadAll(msg.Body)
	if err != nil {
		return d, err
	}
	switch strings.ToLower(msg.Header.Get("Content-Transfer-Encoding")) {
	case "base64":
		b, err := base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(string(raw)))
		if err != nil {
			return d, fmt.Errorf("notifytest: body: %w", err)
		}
		raw = b
	}
	d.Body = string(raw)
	return d, nil
}

// selfSigned makes a certificate for 127.0.0.1 and localhost.
func selfSigned(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "fake.smtp"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}
