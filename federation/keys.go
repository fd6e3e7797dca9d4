package federation

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"time"

	"github.com/hearth/hearth/models"
)

// keyBits is the RSA key size of every local actor: what Mastodon and
// GoToSocial generate and every peer accepts.
const keyBits = 2048

// generateKeyPEM makes a new RSA-2048 key pair as PEM: the private key in
// PKCS#8, the public key in PKIX ("PUBLIC KEY"), the form publicKeyPem
// carries in every ActivityPub implementation.
func generateKeyPEM() (privatePEM, publicPEM string, err error) {
	key, err := rsa.GenerateKey(rand.Reader, keyBits)
	if err != nil {
		return "", "", fmt.Errorf("generate RSA key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return "", "", err
	}
	pub, err := publicKeyPEM(&key.PublicKey)
	if err != nil {
		return "", "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), pub, nil
}

// publicKeyPEM encodes a public key as PKIX PEM.
func publicKeyPEM(key *rsa.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(key)
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), nil
}

// ParsePrivateKeyPEM reads an RSA private key in PKCS#8 or PKCS#1 PEM.
func ParsePrivateKeyPEM(s string) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode([]byte(s))
	if block == nil {
		return nil, errors.New("private key: no PEM block")
	}
	switch block.Type {
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("private key: %w", err)
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("private key: %T is not RSA", k)
		}
		return rk, nil
	case "RSA PRIVATE KEY":
		return x509.ParsePKCS1PrivateKey(block.Bytes)
	}
	return nil, fmt.Errorf("private key: unexpected PEM block %q", block.Type)
}

// ParsePublicKeyPEM reads an RSA public key in PKIX or PKCS#1 PEM: the two
// forms remote actors' publicKeyPem is found in.
func ParsePublicKeyPEM(s string) (*rsa.PublicKey, error) {
	block, _ := pem.Decode([]byte(s))
	if block == nil {
		return nil, errors.New("public key: no PEM block")
	}
	switch block.Type {
	case "PUBLIC KEY":
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("public key: %w", err)
		}
		rk, ok := k.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("public key: %T is not RSA", k)
		}
		return rk, nil
	case "RSA PUBLIC KEY":
		return x509.ParsePKCS1PublicKey(block.Bytes)
	}
	return nil, fmt.Errorf("public key: unexpected PEM block %q", block.Type)
}

// actorKey returns the actor's stored key pair, generating and storing it
// on first need. Keys live in the database, never only in memory: a key
// that changed on restart would break every signature peers have cached.
func (f *Federation) actorKey(ctx context.Context, ref actorRef) (*models.ActorKey, error) {
	k, err := f.store.ActorKeyOrCreate(ctx, ref.kind, ref.id, generateKeyPEM)
	if err != nil {
		return nil, fmt.Errorf("key of %s: %w", ref.url, err)
	}
	return k, nil
}

// signerFor returns a Signer holding the actor's private key.
func (f *Federation) signerFor(ctx context.Context, ref actorRef) (*Signer, error) {
	k, err := f.actorKey(ctx, ref)
	if err != nil {
		return nil, err
	}
	key, err := ParsePrivateKeyPEM(k.PrivateKeyPEM)
	if err != nil {
		return nil, fmt.Errorf("key of %s: %w", ref.url, err)
	}
	s := NewSigner(ref.keyID(), key)
	s.now = func() time.Time { return f.now() } // the receiver checks Date against its clock; ours dates it
	return s, nil
}

// InstanceSigner signs requests as the instance actor ({URL}/actor). Fetches
// of remote objects are signed with it: servers in authorized-fetch mode and
// GoToSocial refuse unsigned GETs, and no member is behind a fetch.
func (f *Federation) InstanceSigner(ctx context.Context) (*Signer, error) {
	return f.signerFor(ctx, f.instanceRef())
}
