//! Reading internally tagged frames (`{"type": "…", …}`) without serde's
//! buffering. serde's derive reads such an enum by first copying the whole
//! object into a buffer of its own (`Content`), then reading the variant
//! from the buffer: in the admin app's wasm that costs one code path per
//! field type, several percent of the bundle. serde writes the tag first,
//! so a reader that wants `type` first can go straight from the JSON to
//! the variant.
//!
//! `Framed<T>` is written exactly as `T`. With the `tag-first` feature (the
//! admin app's browser build only), it reads `T` with its tag first, and `T`
//! is declared with `#[cfg_attr(not(feature = "tag-first"), serde(tag = "type"))]`,
//! so that its own derive is the plain enum one this reader drives. Without
//! the feature (the server, tests, third parties) `Framed<T>` reads `T` as
//! derived, accepting the tag anywhere. The wire format is the same.

use serde::{Deserialize, Deserializer, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Framed<T>(pub T);

#[cfg(not(feature = "tag-first"))]
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Framed<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d).map(Framed)
    }
}

#[cfg(feature = "tag-first")]
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Framed<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(tag_first::Frame::new("type")).map(Framed)
    }
}

/// For a field holding an enum tagged `kind` (`#[serde(deserialize_with)]`
/// under `tag-first`, where the enum's own tag attribute is off).
#[cfg(feature = "tag-first")]
pub fn kind_first<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<T, D::Error> {
    d.deserialize_map(tag_first::Frame::new("kind"))
}

#[cfg(feature = "tag-first")]
mod tag_first {
    use serde::de::{
        self, DeserializeSeed, EnumAccess, IgnoredAny, IntoDeserializer, MapAccess, VariantAccess,
        Visitor,
    };
    use serde::Deserialize;
    use std::marker::PhantomData;

    /// Reads a `T` from an object whose first key is `key`, the tag.
    pub struct Frame<T> {
        key: &'static str,
        read: PhantomData<T>,
    }

    impl<T> Frame<T> {
        pub fn new(key: &'static str) -> Self {
            Frame {
                key,
                read: PhantomData,
            }
        }
    }

    impl<'de, T: Deserialize<'de>> Visitor<'de> for Frame<T> {
        type Value = T;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            write!(f, "an object whose first key is {:?}", self.key)
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
            match map.next_key::<String>()? {
                Some(key) if key == self.key => {}
                _ => return Err(de::Error::missing_field(self.key)),
            }
            let tag = map.next_value::<String>()?;
            T::deserialize(Variant { tag, map })
        }
    }

    /// The variant named by the tag, its fields the rest of the object.
    struct Variant<A> {
        tag: String,
        map: A,
    }

    impl<'de, A: MapAccess<'de>> de::Deserializer<'de> for Variant<A> {
        type Error = A::Error;

        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, A::Error> {
            Err(de::Error::custom("a tagged frame reads only as an enum"))
        }

        fn deserialize_enum<V: Visitor<'de>>(
            self,
            _name: &'static str,
            _variants: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, A::Error> {
            visitor.visit_enum(self)
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map struct identifier ignored_any
        }
    }

    impl<'de, A: MapAccess<'de>> EnumAccess<'de> for Variant<A> {
        type Error = A::Error;
        type Variant = Self;

        fn variant_seed<S: DeserializeSeed<'de>>(
            mut self,
            seed: S,
        ) -> Result<(S::Value, Self), A::Error> {
            let tag = std::mem::take(&mut self.tag);
            let variant = seed.deserialize(IntoDeserializer::<A::Error>::into_deserializer(tag))?;
            Ok((variant, self))
        }
    }

    impl<'de, A: MapAccess<'de>> VariantAccess<'de> for Variant<A> {
        type Error = A::Error;

        fn unit_variant(mut self) -> Result<(), A::Error> {
            // Extra fields are ignored, as serde's derive does.
            while self.map.next_key::<IgnoredAny>()?.is_some() {
                self.map.next_value::<IgnoredAny>()?;
            }
            Ok(())
        }

        fn newtype_variant_seed<S: DeserializeSeed<'de>>(
            self,
            seed: S,
        ) -> Result<S::Value, A::Error> {
            seed.deserialize(de::value::MapAccessDeserializer::new(self.map))
        }

        fn tuple_variant<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value, A::Error> {
            Err(de::Error::custom("a tagged frame has no tuple variants"))
        }

        fn struct_variant<V: Visitor<'de>>(
            self,
            _fields: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, A::Error> {
            visitor.visit_map(self.map)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Framed;
    use crate::inbox::InboxFrame;
    use crate::ConversationId;

    fn read(json: &str) -> Result<InboxFrame, serde_json::Error> {
        serde_json::from_str::<Framed<InboxFrame>>(json).map(|f| f.0)
    }

    // Run with and without `tag-first` (scripts/test.sh): the same wire
    // reads the same way.
    #[test]
    fn frames_read_from_the_wire_as_the_server_writes_them() {
        let id: ConversationId = "0196f1f2-0000-7000-8000-000000000001".parse().unwrap();
        assert_eq!(read(r#"{"type":"resync"}"#).unwrap(), InboxFrame::Resync);
        assert_eq!(
            read(&format!(
                r#"{{"type":"typing","conversation_id":"{}","typing":true}}"#,
                id.0
            ))
            .unwrap(),
            InboxFrame::Typing {
                conversation_id: id,
                typing: true
            }
        );
        // A message, whose author is tagged `kind`.
        let message = format!(
            r#"{{"type":"message","message":{{"id":"{0}","conversation_id":"{0}","seq":3,"author":{{"kind":"operator","name":"Ava"}},"body":"Hi","sent_at":7}}}}"#,
            id.0
        );
        let InboxFrame::Message { message } = read(&message).unwrap() else {
            panic!("not a message");
        };
        assert_eq!(
            message.author,
            crate::live::WireAuthor::Operator { name: "Ava".into() }
        );
        let visitor = format!(
            r#"{{"type":"edited","message":{{"id":"{0}","conversation_id":"{0}","seq":4,"author":{{"kind":"visitor"}},"body":"Yo","sent_at":8,"edited_at":9}}}}"#,
            id.0
        );
        let InboxFrame::Edited { message } = read(&visitor).unwrap() else {
            panic!("not an edit");
        };
        assert_eq!(message.author, crate::live::WireAuthor::Visitor);
        assert_eq!(message.edited_at, Some(9));
        // The desk's frames too.
        use crate::desk::DeskFrame;
        let desk = |json| serde_json::from_str::<Framed<DeskFrame>>(json).map(|f| f.0);
        assert_eq!(desk(r#"{"type":"ready"}"#).unwrap(), DeskFrame::Ready);
        assert_eq!(
            desk(r#"{"type":"ticket","number":12}"#).unwrap(),
            DeskFrame::Ticket { number: 12 }
        );
        // Missing fields and unknown types are errors, in both readers.
        assert!(read(r#"{"type":"typing"}"#).is_err());
        assert!(read(r#"{"type":"nonsense"}"#).is_err());
        assert!(read(r#"[1]"#).is_err());
    }

    #[cfg(not(feature = "tag-first"))]
    #[test]
    fn what_the_server_writes_has_its_tag_first() {
        let json = serde_json::to_string(&Framed(InboxFrame::Typing {
            conversation_id: "0196f1f2-0000-7000-8000-000000000001".parse().unwrap(),
            typing: false,
        }))
        .unwrap();
        assert!(json.starts_with(r#"{"type":"typing","#), "{json}");
    }

    #[cfg(feature = "tag-first")]
    #[test]
    fn the_browser_wants_the_tag_first() {
        assert!(read(r#"{"typing":true,"type":"typing"}"#).is_err());
        // Extra fields of a unit variant are ignored, as the derive does.
        assert_eq!(
            read(r#"{"type":"resync","later":1}"#).unwrap(),
            InboxFrame::Resync
        );
    }
}
