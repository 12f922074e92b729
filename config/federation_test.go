package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testNkey = "UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4"

func TestFederationKeys(t *testing.T) {
	c, err := Load(writeConfig(t, `
federation:
  enabled: true
  town: "330784101"
  hub: tls://county.example:7424
  nkey_seed: /etc/gridcmd/town.nk
  tls: {ca: /etc/gridcmd/ca.pem}
  listen: 0.0.0.0:7424
  store_dir: /var/lib/gridcmd/nats
  towns:
    - {code: "330784101", nkey: "`+testNkey+`"}
`), nil)
	require.NoError(t, err)
	f := c.Federation
	assert.True(t, f.Enabled)
	assert.Equal(t, "330784101", f.Town)
	assert.Equal(t, "tls://county.example:7424", f.Hub)
	assert.Equal(t, "/etc/gridcmd/town.nk", f.NkeySeed)
	assert.Equal(t, "/etc/gridcmd/ca.pem", f.TLS.CA)
	assert.Equal(t, "0.0.0.0:7424", f.Listen)
	assert.Equal(t, []FederatedTown{{Code: "330784101", Nkey: testNkey}}, f.Towns)

	d, err := Load(writeConfig(t, "lang: zh\n"), nil)
	require.NoError(t, err)
	assert.False(t, d.Federation.Enabled)
	assert.Equal(t, "127.0.0.1:7424", d.Federation.Listen)
}

func TestBadFederationKeysNameTheKey(t *testing.T) {
	on := "federation:\n  enabled: true\n  town: T1\n  hub: nats://127.0.0.1:7424\n  nkey_seed: t.nk\n"
	cases := []struct{ body, want string }{
		{"federation:\n  enabeld: true\n", `unknown key "federation.enabeld"`},
		{"federation:\n  tls:\n    certs: x\n", `unknown key "federation.tls.certs"`},
		{"federation:\n  towns:\n    - {code: T1, nkey: " + testNkey + ", nkye: x}\n", "nkye"},
		{"federation:\n  enabled: true\n  town: a.b\n", `federation.town "a.b"`},
		{"federation:\n  enabled: true\n  town: hub\n", `federation.town "hub"`},
		{"federation:\n  enabled: true\n  town: T1\n  hub: http://h:1\n", `federation.hub "http://h:1"`},
		{"federation:\n  enabled: true\n  town: T1\n  hub: nats://h:1\n", "federation.nkey_seed"},
		{on + "  credentials: t.creds\n", "federation.nkey_seed"},
		{"federation:\n  listen: nowhere\n", "federation.listen"},
		{"federation:\n  tls: {cert: a.pem}\n", "federation.tls"},
		{"federation:\n  towns:\n    - {code: T1, nkey: SU123}\n", "federation.towns[0].nkey"},
		{"federation:\n  towns:\n    - {code: T.1, nkey: " + testNkey + "}\n", "federation.towns[0].code"},
		{"federation:\n  towns:\n    - {code: T1, nkey: " + testNkey + "}\n    - {code: T1, nkey: " + testNkey + "}\n", "federation.towns[1].code"},
		{"federation:\n  enabled: maybe\n", "federation.enabled"},
	}
	for _, c := range cases {
		_, err := Load(writeConfig(t, c.body), nil)
		require.Error(t, err, c.body)
		assert.Contains(t, err.Error(), c.want, c.body)
	}
	_, err := Load(writeConfig(t, on), nil)
	require.NoError(t, err)
	// The town may be left to the file (its one town).
	_, err = Load(writeConfig(t, "federation:\n  enabled: true\n  hub: nats://h:1\n  nkey_seed: t.nk\n"), nil)
	require.NoError(t, err)
}
