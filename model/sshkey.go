package model

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"strings"
	"time"
)

// Actions of the SSH seats.
const (
	ActKey  Action = "key"  // an SSH key added or revoked
	ActSeat Action = "seat" // a seat opened or closed over SSH
)

// SSHKey is a person's SSH public key: what `gridcmd key add` stores and a
// seat authenticates with. Blob is the key in SSH wire format (the base64
// of an authorized_keys line, decoded); the fingerprint is OpenSSH's
// "SHA256:" form of it.
type SSHKey struct {
	Fingerprint string
	Type        string // ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa, ...
	Blob        []byte
	Person      PersonID
	Name        string // the comment of the authorized_keys line
	Added       time.Time
	LastUsed    time.Time // zero until a seat opens with it
}

// KeyFingerprint is OpenSSH's SHA256 fingerprint of a key in wire format:
// "SHA256:" and the unpadded base64 of its SHA-256.
func KeyFingerprint(blob []byte) string {
	sum := sha256.Sum256(blob)
	return "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:])
}

// keyFields is how many length-prefixed fields each accepted key type's
// wire format holds after its type name, and the exact length of the last
// one where it is fixed (0: any).
var keyFields = map[string]struct{ n, lastLen int }{
	"ssh-ed25519":                        {1, 32},
	"ecdsa-sha2-nistp256":                {2, 65},
	"ecdsa-sha2-nistp384":                {2, 97},
	"ecdsa-sha2-nistp521":                {2, 133},
	"ssh-rsa":                            {2, 0},
	"sk-ssh-ed25519@openssh.com":         {2, 0},
	"sk-ecdsa-sha2-nistp256@openssh.com": {3, 0},
}

// MaxAuthorizedKey is the longest authorized_keys line accepted (a 16384-bit
// RSA key is about 2.8 KB).
const MaxAuthorizedKey = 8 << 10

// ParseAuthorizedKey reads one public key in the form of an authorized_keys
// line, `TYPE BASE64 [COMMENT]` (as in id_ed25519.pub), without options.
// It checks the wire format's shape: the type inside matches the one
// named, and the fields are those of the type. The comment, cleaned, is
// the key's Name.
func ParseAuthorizedKey(line string) (SSHKey, error) {
	bad := func(en, zh string) (SSHKey, error) {
		return SSHKey{}, Errorf(EINVALID, "public key: %s", en).Zh("公钥：%s", zh).On("key")
	}
	if len(line) > MaxAuthorizedKey {
		return bad("longer than 8 KiB", "超过 8 KiB")
	}
	fields := strings.Fields(strings.TrimSpace(line))
	if len(fields) < 2 {
		return bad("want one line 'TYPE BASE64 [COMMENT]', as in id_ed25519.pub",
			"应为一行「类型 BASE64 [注释]」，如 id_ed25519.pub 的内容")
	}
	typ := fields[0]
	shape, ok := keyFields[typ]
	if !ok {
		return bad("type "+quote(typ)+" is not accepted; want ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa or a security key (sk-...)",
			"不接受类型 "+quote(typ)+"；应为 ssh-ed25519、ecdsa-sha2-nistp256/384/521、ssh-rsa 或安全密钥（sk-...）")
	}
	blob, err := base64.StdEncoding.DecodeString(fields[1])
	if err != nil {
		return bad("the key is not valid base64", "密钥不是有效的 base64")
	}
	parts, ok := wireFields(blob)
	if !ok || len(parts) != 1+shape.n || string(parts[0]) != typ {
		return bad("the key's data is not a "+typ+" key", "密钥数据不是 "+typ+" 密钥")
	}
	last := parts[len(parts)-1]
	if shape.lastLen > 0 && len(last) != shape.lastLen {
		return bad("the key's data is not a "+typ+" key", "密钥数据不是 "+typ+" 密钥")
	}
	if typ == "ssh-rsa" && rsaBits(last) < 2048 {
		return bad("an RSA key shorter than 2048 bits is refused", "不接受短于 2048 位的 RSA 密钥")
	}
	name := CleanName(strings.Join(fields[2:], " "))
	return SSHKey{Fingerprint: KeyFingerprint(blob), Type: typ, Blob: blob, Name: name}, nil
}

// CleanName is a key's comment as it may be shown: sanitised, at most 64
// characters.
func CleanName(s string) string {
	c, err := CleanText(s, false)
	if err != nil {
		return ""
	}
	c = strings.TrimSpace(c)
	if r := []rune(c); len(r) > 64 {
		c = string(r[:64])
	}
	return c
}

func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return "\"" + s + "\""
}

// wireFields splits SSH wire format into its uint32-length-prefixed fields;
// false if it does not split exactly.
func wireFields(b []byte) ([][]byte, bool) {
	var out [][]byte
	for len(b) > 0 {
		if len(b) < 4 {
			return nil, false
		}
		n := binary.BigEndian.Uint32(b)
		if uint64(n) > uint64(len(b)-4) {
			return nil, false
		}
		out = append(out, b[4:4+n])
		b = b[4+n:]
	}
	return out, true
}

// rsaBits is the length in bits of an RSA modulus (an SSH mpint).
func rsaBits(n []byte) int {
	for len(n) > 0 && n[0] == 0 {
		n = n[1:]
	}
	if len(n) == 0 {
		return 0
	}
	bits := (len(n) - 1) * 8
	for top := n[0]; top > 0; top >>= 1 {
		bits++
	}
	return bits
}

// SeatRecord is what the log keeps of a seat opening or closing: who, with
// which key, from where, and (closing) why.
type SeatRecord struct {
	Person      PersonID
	Fingerprint string
	Remote      string
	Room        NodeCode // the seat's scope
	Open        bool     // opened (else closed)
	Reason      string   // why it closed: quit, revoked, idle, stalled, disconnected, shutdown
	Command     string   // a command run over SSH instead of a seat
}

// KeyService keeps the SSH keys with which people open seats, and records
// the seats in the log.
type KeyService interface {
	// AddKey stores key for person. ENOTFOUND for a person not on the
	// roster, ECONFLICT when the key is stored already (for anyone).
	AddKey(ctx context.Context, person PersonID, key SSHKey) (SSHKey, error)
	// Keys lists person's keys (System: everyone's), in order of adding.
	Keys(ctx context.Context, person PersonID) ([]SSHKey, error)
	// RevokeKey removes the key with this fingerprint; ENOTFOUND if none.
	RevokeKey(ctx context.Context, fingerprint string) (SSHKey, error)
	// RevokeKeys removes every key of person and returns them.
	RevokeKeys(ctx context.Context, person PersonID) ([]SSHKey, error)
	// KeyHolder is the key with this fingerprint and the person who holds
	// it: EUNAUTHORIZED when there is no such key or its holder has left
	// the roster.
	KeyHolder(ctx context.Context, fingerprint string) (SSHKey, Person, error)
	// RecordSeat logs a seat opening or closing (an ActSeat event on the
	// person's node); opening marks the key as used now.
	RecordSeat(ctx context.Context, r SeatRecord) error
}
