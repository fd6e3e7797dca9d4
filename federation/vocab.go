package federation

import (
	"time"

	"github.com/go-fed/activity/streams"
	"github.com/go-fed/activity/streams/vocab"
)

// Small constructors for the go-fed properties Hearth sets again and again.
// go-fed's generated API needs three statements per property; these keep
// the document builders readable as a list of fields.

func idProp(id string) vocab.JSONLDIdProperty {
	p := streams.NewJSONLDIdProperty()
	p.Set(mustParse(id))
	return p
}

func nameProp(s string) vocab.ActivityStreamsNameProperty {
	p := streams.NewActivityStreamsNameProperty()
	p.AppendXMLSchemaString(s)
	return p
}

func summaryProp(html string) vocab.ActivityStreamsSummaryProperty {
	p := streams.NewActivityStreamsSummaryProperty()
	p.AppendXMLSchemaString(html)
	return p
}

func contentProp(html string) vocab.ActivityStreamsContentProperty {
	p := streams.NewActivityStreamsContentProperty()
	p.AppendXMLSchemaString(html)
	return p
}

func preferredUsernameProp(s string) vocab.ActivityStreamsPreferredUsernameProperty {
	p := streams.NewActivityStreamsPreferredUsernameProperty()
	p.SetXMLSchemaString(s)
	return p
}

func urlProp(u string) vocab.ActivityStreamsUrlProperty {
	p := streams.NewActivityStreamsUrlProperty()
	p.AppendIRI(mustParse(u))
	return p
}

func publishedProp(t time.Time) vocab.ActivityStreamsPublishedProperty {
	p := streams.NewActivityStreamsPublishedProperty()
	p.Set(t.UTC())
	return p
}

func updatedProp(t time.Time) vocab.ActivityStreamsUpdatedProperty {
	p := streams.NewActivityStreamsUpdatedProperty()
	p.Set(t.UTC())
	return p
}

func totalItemsProp(n int) vocab.ActivityStreamsTotalItemsProperty {
	p := streams.NewActivityStreamsTotalItemsProperty()
	p.Set(n)
	return p
}

func orderedItemsProp(ids []string) vocab.ActivityStreamsOrderedItemsProperty {
	p := streams.NewActivityStreamsOrderedItemsProperty()
	for _, id := range ids {
		p.AppendIRI(mustParse(id))
	}
	return p
}

// publicKeyProp is the actor's key as Mastodon reads it: {id, owner,
// publicKeyPem}.
func publicKeyProp(ref actorRef, pem string) vocab.W3IDSecurityV1PublicKeyProperty {
	k := streams.NewW3IDSecurityV1PublicKey()
	k.SetJSONLDId(idProp(ref.keyID()))
	owner := streams.NewW3IDSecurityV1OwnerProperty()
	owner.Set(mustParse(ref.url))
	k.SetW3IDSecurityV1Owner(owner)
	pemProp := streams.NewW3IDSecurityV1PublicKeyPemProperty()
	pemProp.Set(pem)
	k.SetW3IDSecurityV1PublicKeyPem(pemProp)
	p := streams.NewW3IDSecurityV1PublicKeyProperty()
	p.AppendW3IDSecurityV1PublicKey(k)
	return p
}

// iconProp is an icon: an Image with its URL and media type (Mastodon
// skips icons whose type it cannot tell).
func iconProp(url, mediaType string) vocab.ActivityStreamsIconProperty {
	img := streams.NewActivityStreamsImage()
	mt := streams.NewActivityStreamsMediaTypeProperty()
	mt.Set(mediaType)
	img.SetActivityStreamsMediaType(mt)
	img.SetActivityStreamsUrl(urlProp(url))
	p := streams.NewActivityStreamsIconProperty()
	p.AppendActivityStreamsImage(img)
	return p
}
