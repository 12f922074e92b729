package model

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseAuthorizedKey(t *testing.T) {
	// Lines and fingerprints made by ssh-keygen -t ed25519 / -t ecdsa and ssh-keygen -lf.
	k, err := ParseAuthorizedKey("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIM6px7uYnjy8+oVOesYJIEV+wwJkxH83V6U3SquXbvF8 zhang@duxi\n")
	require.NoError(t, err)
	assert.Equal(t, "SHA256:6dY3i1/lzFHKVbYI/B/zYGcimYaOXnk8Oz3myVp0TS8", k.Fingerprint)
	assert.Equal(t, "ssh-ed25519", k.Type)
	assert.Equal(t, "zhang@duxi", k.Name)
	k, err = ParseAuthorizedKey("ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBFtyZeE23eyIFSOFgoSZ7YXs9o6ohs/CF/HM3eK73cq6SEYkPTsX7QJQUG448Xr3uZ3NUPrcJ5UNe78sIVlqPx4= e")
	require.NoError(t, err)
	assert.Equal(t, "SHA256:Ocfu9KvAPi05YsnhhnUrGn+LYlrKJMl+CjlVaOJ2OIY", k.Fingerprint)

	for _, bad := range []string{
		"",
		"ssh-ed25519",
		"ssh-dss AAAAB3NzaC1kc3MAAACBAP== x",
		"ssh-ed25519 !!!notbase64",
		// An ecdsa key's data under the ed25519 name.
		"ssh-ed25519 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBFtyZeE23eyIFSOFgoSZ7YXs9o6ohs/CF/HM3eK73cq6SEYkPTsX7QJQUG448Xr3uZ3NUPrcJ5UNe78sIVlqPx4=",
		// Truncated data.
		"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIM6px7uYnjy8+oVOesYJIEV+wwJkxH83V6U3SquX",
		// A 1024-bit RSA key (ssh-keygen -t rsa -b 1024).
		"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC3fvmHG+7Ix+yoNop5t9aRmezefLde/7ZRD0czU9grsOTE8jY/wDqFZzKytU2Q52EDmDVy5uNDpDj9hyyVOogjaQpMLAyQ/lKOEQQ8i0FocLJX+FnWYs4l9fkgrOggdmKXClvt+N/BtxBRmjjVGOjduo9Jf/K9nv2i2jUi7DVCyw== root@vm",
	} {
		_, err := ParseAuthorizedKey(bad)
		require.Error(t, err, bad)
		assert.Equal(t, EINVALID, ErrorCode(err), bad)
		assert.NotEqual(t, ErrorMessage(err), ErrorMessageZh(err), bad)
	}
}

func TestSeatRoom(t *testing.T) {
	officer := Person{ID: 1, Node: "330784114266-02", Roles: []Role{RoleDutyOfficer}}
	cadre := Person{ID: 2, Node: "330784114266", Roles: []Role{RoleVillageCadre}}
	leader := Person{ID: 3, Node: "330784114266-02", Roles: []Role{RoleGridLeader}}
	assert.Equal(t, NodeCode("330784114"), SeatRoom(officer))
	assert.Equal(t, NodeCode("330784114266"), SeatRoom(cadre))
	assert.Equal(t, NodeCode("330784114266-02"), SeatRoom(leader))
}

func TestSeatRoomName(t *testing.T) {
	for _, tc := range []struct {
		node    NodeCode
		wartime bool
		zh      string
	}{
		{"330784114", false, "综合信息指挥室"},
		{"330784114266", true, "村级战时指挥室"},
		{"330784114266", false, "村社"},
		{"330784114266-02", false, "网格"},
	} {
		_, zh := SeatRoomName(tc.node, tc.wartime)
		assert.Equal(t, tc.zh, zh, tc.node)
	}
}
