package config

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// Federation configures issue 16's federation on NATS JetStream: a town's
// node (gridcmd serve and the console when enabled) and the hub (gridcmd
// hub). The keys of the two ends live side by side; each end reads its own.
type Federation struct {
	Enabled     bool            `mapstructure:"enabled"`     // town: run the town's node
	Town        string          `mapstructure:"town"`        // town: this town's code (its JetStream domain); "": the file's town
	Hub         string          `mapstructure:"hub"`         // town: the hub's leaf URL, nats://host:port or tls://host:port
	NkeySeed    string          `mapstructure:"nkey_seed"`   // town: the file of its nkey seed
	Credentials string          `mapstructure:"credentials"` // town: or a NATS credentials file
	TLS         FederationTLS   `mapstructure:"tls"`
	Listen      string          `mapstructure:"listen"`    // hub: the leaf-node listener
	StoreDir    string          `mapstructure:"store_dir"` // both: JetStream's files ("" : DB.nats beside the database)
	Towns       []FederatedTown `mapstructure:"towns"`     // hub: the towns it federates
}

// FederationTLS names PEM files: on the hub its certificate and key (and a
// CA to require towns' client certificates); on a town the CA it checks
// the hub's certificate with (and a client certificate and key if the hub
// asks for one).
type FederationTLS struct {
	Cert string `mapstructure:"cert"`
	Key  string `mapstructure:"key"`
	CA   string `mapstructure:"ca"`
}

// FederatedTown is a town the hub federates: its code and the public nkey
// ('gridcmd federation key' prints it) its leaf connection signs with.
type FederatedTown struct {
	Code string `mapstructure:"code"`
	Nkey string `mapstructure:"nkey"`
}

func federationDefaults(d map[string]any) {
	d["federation.enabled"] = false
	d["federation.town"] = ""
	d["federation.hub"] = ""
	d["federation.nkey_seed"] = ""
	d["federation.credentials"] = ""
	d["federation.tls.cert"] = ""
	d["federation.tls.key"] = ""
	d["federation.tls.ca"] = ""
	d["federation.listen"] = "127.0.0.1:7424"
	d["federation.store_dir"] = ""
	d["federation.towns"] = []any{}
}

var fedTownRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// checkFedTown checks a town code as the federation uses it (a JetStream
// domain, a stream name, a subject token).
func checkFedTown(key, code string) error {
	if !fedTownRe.MatchString(code) || strings.EqualFold(code, "hub") {
		return fmt.Errorf("%s %q: want the town's code, 1-32 letters, digits, - or _ (not \"hub\")", key, code)
	}
	return nil
}

// check names the federation key of the first bad value. The town's keys
// are checked when enabled; the hub's (listen, towns) always, since
// 'gridcmd hub' reads them without enabled.
func (f Federation) check() error {
	if err := CheckAddr("federation.listen", f.Listen); err != nil {
		return err
	}
	if (f.TLS.Cert == "") != (f.TLS.Key == "") {
		return fmt.Errorf("federation.tls: cert and key go together (cert %q, key %q)", f.TLS.Cert, f.TLS.Key)
	}
	seen := map[string]bool{}
	keys := map[string]bool{}
	for i, t := range f.Towns {
		key := fmt.Sprintf("federation.towns[%d]", i)
		if err := checkFedTown(key+".code", t.Code); err != nil {
			return err
		}
		if seen[t.Code] {
			return fmt.Errorf("%s.code %q: listed twice", key, t.Code)
		}
		seen[t.Code] = true
		if len(t.Nkey) != 56 || t.Nkey[0] != 'U' {
			return fmt.Errorf("%s.nkey %q: want the town's public user nkey (56 characters starting with U; 'gridcmd federation key' prints it)", key, t.Nkey)
		}
		if keys[t.Nkey] {
			return fmt.Errorf("%s.nkey: town %s has another town's key", key, t.Code)
		}
		keys[t.Nkey] = true
	}
	if !f.Enabled {
		return nil
	}
	if f.Town != "" {
		if err := checkFedTown("federation.town", f.Town); err != nil {
			return err
		}
	}
	u, err := url.Parse(f.Hub)
	if f.Hub == "" || err != nil || u.Host == "" || (u.Scheme != "nats" && u.Scheme != "tls") {
		return fmt.Errorf("federation.hub %q: want the hub's leaf URL, e.g. nats://county.example:7424 or tls://county.example:7424", f.Hub)
	}
	if (f.NkeySeed == "") == (f.Credentials == "") {
		return fmt.Errorf("federation.nkey_seed: give the town's nkey seed file or federation.credentials, one of the two")
	}
	return nil
}
