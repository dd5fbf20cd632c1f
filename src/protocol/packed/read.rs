//! Reads a typed value straight out of a packed tree: a serde `Deserializer` over [`Node`]s
//! that behaves as `serde_json::Value`'s does (options, externally tagged enums, maps with
//! string keys), so that whatever `serde_json::to_value` wrote reads back the same.

use super::Node;
use serde::de::value::{Error, StrDeserializer};
use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};
use serde::forward_to_deserialize_any;

/// A node and the string table its indices point into.
#[derive(Clone, Copy)]
pub(super) struct At<'a> {
    pub node: &'a Node,
    pub strings: &'a [String],
}

fn text(strings: &[String], i: u32) -> Result<&str, Error> {
    strings
        .get(i as usize)
        .map(String::as_str)
        .ok_or_else(|| de::Error::custom("a string the table does not have"))
}

fn key(s: &str) -> StrDeserializer<'_, Error> {
    s.into_deserializer()
}

impl<'de> de::Deserializer<'de> for At<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        match self.node {
            Node::Null => v.visit_unit(),
            Node::False => v.visit_bool(false),
            Node::True => v.visit_bool(true),
            Node::Unsigned(u) => v.visit_u64(*u),
            Node::Signed(i) => v.visit_i64(*i),
            Node::WholeFloat(i) => v.visit_f64(*i as f64),
            Node::Float32(x) => v.visit_f64(f64::from(*x)),
            Node::Float64(x) => v.visit_f64(*x),
            Node::Str(i) => v.visit_str(text(self.strings, *i)?),
            Node::Seq(items) => v.visit_seq(SeqAt {
                items: items.iter(),
                strings: self.strings,
            }),
            Node::Map(fields) => v.visit_map(MapAt {
                fields: fields.iter(),
                strings: self.strings,
                value: None,
            }),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        match self.node {
            Node::Null => v.visit_none(),
            _ => v.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> Result<V::Value, Error> {
        v.visit_newtype_struct(self)
    }

    /// As JSON writes enums: a unit variant is its name, any other `{ name: content }`.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, Error> {
        match self.node {
            Node::Str(i) => v.visit_enum(EnumAt {
                variant: text(self.strings, *i)?,
                content: None,
            }),
            Node::Map(fields) if fields.len() == 1 => {
                let (k, content) = &fields[0];
                v.visit_enum(EnumAt {
                    variant: text(self.strings, *k)?,
                    content: Some(At {
                        node: content,
                        strings: self.strings,
                    }),
                })
            }
            _ => Err(de::Error::custom("an enum as neither a name nor one field")),
        }
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

struct SeqAt<'a> {
    items: std::slice::Iter<'a, Node>,
    strings: &'a [String],
}

impl<'de> de::SeqAccess<'de> for SeqAt<'_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        self.items
            .next()
            .map(|node| {
                seed.deserialize(At {
                    node,
                    strings: self.strings,
                })
            })
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct MapAt<'a> {
    fields: std::slice::Iter<'a, (u32, Node)>,
    strings: &'a [String],
    /// The value of the key just read.
    value: Option<&'a Node>,
}

impl<'de> de::MapAccess<'de> for MapAt<'_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((k, node)) = self.fields.next() else {
            return Ok(None);
        };
        self.value = Some(node);
        seed.deserialize(key(text(self.strings, *k)?)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let node = self
            .value
            .take()
            .ok_or_else(|| de::Error::custom("a value before its key"))?;
        seed.deserialize(At {
            node,
            strings: self.strings,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.fields.len())
    }
}

struct EnumAt<'a> {
    variant: &'a str,
    content: Option<At<'a>>,
}

impl<'de, 'a> de::EnumAccess<'de> for EnumAt<'a> {
    type Error = Error;
    type Variant = VariantAt<'a>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self::Variant), Error> {
        Ok((
            seed.deserialize(key(self.variant))?,
            VariantAt(self.content),
        ))
    }
}

fn content(c: Option<At<'_>>) -> Result<At<'_>, Error> {
    c.ok_or_else(|| de::Error::custom("a variant without its content"))
}

/// What follows a variant's name: nothing (a unit variant) or its content.
struct VariantAt<'a>(Option<At<'a>>);

impl<'de> de::VariantAccess<'de> for VariantAt<'_> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        match self.0 {
            None => Ok(()),
            Some(at) => de::Deserialize::deserialize(at),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(content(self.0)?)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, v: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_any(content(self.0)?, v)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_any(content(self.0)?, v)
    }
}
