//! [`Packed`]: a report value carried compactly across the protocol.
//!
//! The engine's report types (node figures, transaction samples) skip empty fields when they
//! serialize, for the CLI's JSON; postcard, which writes no field names, cannot read such a
//! struct back. Carrying them as JSON text worked but cost about 1 KB per node, four times a
//! second: mostly field names repeated for every node and floats written as up to 20 digits.
//!
//! Here the value goes through `serde_json::Value` (which honours the skipped fields) and is
//! written as a small self-describing tree: every string (field names, node ids, enum names)
//! once in a table, referred to by index; integers as varints; floats as the shortest of an
//! integer, an `f32` or an `f64` that gives back *exactly* the same `f64`. Reading it back
//! rebuilds the same `Value`, then the typed value, so nothing is rounded.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use std::collections::HashMap;

mod read;

/// A value carried as a packed tree (see the module notes).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Packed<T>(pub T);

/// One node of the tree as it travels.
#[derive(Serialize, Deserialize)]
enum Node {
    Null,
    False,
    True,
    Unsigned(u64),
    Signed(i64),
    /// A float with an integral value (most counters and factors): its integer.
    WholeFloat(i64),
    /// A float that an `f32` holds exactly.
    Float32(f32),
    Float64(f64),
    /// An index into the string table.
    Str(u32),
    Seq(Vec<Node>),
    /// (index of the key in the string table, value).
    Map(Vec<(u32, Node)>),
}

#[derive(Serialize, Deserialize)]
struct Tree {
    strings: Vec<String>,
    root: Node,
}

/// Integral floats up to this magnitude travel as integers (every such integer is an exact f64).
const WHOLE_LIMIT: f64 = 9_007_199_254_740_992.0; // 2^53

#[derive(Default)]
struct Strings {
    table: Vec<String>,
    index: HashMap<String, u32>,
}

impl Strings {
    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = self.table.len() as u32;
        self.table.push(s.to_owned());
        self.index.insert(s.to_owned(), i);
        i
    }
}

fn pack_float(x: f64) -> Node {
    // `-0.0` would come back as `0.0` through an integer; NaN and infinities fail the test.
    if x.fract() == 0.0 && x.abs() <= WHOLE_LIMIT && !(x == 0.0 && x.is_sign_negative()) {
        Node::WholeFloat(x as i64)
    } else if f64::from(x as f32).to_bits() == x.to_bits() {
        Node::Float32(x as f32)
    } else {
        Node::Float64(x)
    }
}

fn pack(v: &Value, strings: &mut Strings) -> Node {
    match v {
        Value::Null => Node::Null,
        Value::Bool(false) => Node::False,
        Value::Bool(true) => Node::True,
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                Node::Unsigned(u)
            } else if let Some(i) = n.as_i64() {
                Node::Signed(i)
            } else {
                pack_float(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        Value::String(s) => Node::Str(strings.intern(s)),
        Value::Array(items) => Node::Seq(items.iter().map(|x| pack(x, strings)).collect()),
        Value::Object(fields) => Node::Map(
            fields
                .iter()
                .map(|(k, x)| (strings.intern(k), pack(x, strings)))
                .collect(),
        ),
    }
}

impl<T: Serialize> Serialize for Packed<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let value = serde_json::to_value(&self.0).map_err(serde::ser::Error::custom)?;
        let mut strings = Strings::default();
        let root = pack(&value, &mut strings);
        Tree {
            strings: strings.table,
            root,
        }
        .serialize(s)
    }
}

impl<'de, T: DeserializeOwned + Default> Deserialize<'de> for Packed<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let tree = Tree::deserialize(d)?;
        // Read straight from the tree (no `Value` in between: the page takes these in four
        // times a second). A tree that does not read back (never expected) costs these figures
        // for one frame, never the frame: the page must see every reply to keep count of them.
        let at = read::At {
            node: &tree.root,
            strings: &tree.strings,
        };
        Ok(Packed(T::deserialize(at).unwrap_or_default()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{decode, encode};

    #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
    struct Figures {
        id: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        lag_ms: Vec<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signed: Option<i64>,
        count: u64,
    }

    /// Floats come back bit for bit, whichever way they travel (integer, f32 or f64), and
    /// skipped fields read back as their defaults.
    #[test]
    fn values_come_back_exactly() {
        let floats = vec![
            0.0,
            1.0,
            -3.0,
            0.5,
            0.1,
            1.0 / 3.0,
            1e300,
            -1e-300,
            9_007_199_254_740_993.0,
            f64::MAX,
            f64::MIN_POSITIVE,
        ];
        let figures = vec![
            Figures {
                id: "api".into(),
                lag_ms: floats,
                signed: Some(-7),
                count: u64::MAX,
            },
            Figures {
                id: "api".into(),
                ..Figures::default()
            },
        ];
        let back: Packed<Vec<Figures>> = decode(&encode(&Packed(figures.clone()))).unwrap();
        assert_eq!(back.0.len(), 2);
        for (a, b) in back.0.iter().zip(&figures) {
            assert_eq!(a.id, b.id);
            assert_eq!(a.count, b.count);
            assert_eq!(a.signed, b.signed);
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&a.lag_ms), bits(&b.lag_ms));
        }
    }

    #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Phase {
        #[default]
        Idle,
        Running(f64),
        Failed {
            at_s: f64,
            why: String,
        },
        Pair(u32, Option<u32>),
    }

    /// Every shape of enum the report types use reads back as written (through JSON they are
    /// a name, or `{ name: content }`).
    #[test]
    fn enums_and_options_come_back() {
        let phases = vec![
            Phase::Idle,
            Phase::Running(0.25),
            Phase::Failed {
                at_s: 12.0,
                why: "disk".into(),
            },
            Phase::Pair(3, None),
            Phase::Pair(4, Some(5)),
        ];
        let back: Packed<Vec<Phase>> = decode(&encode(&Packed(phases.clone()))).unwrap();
        assert_eq!(back.0, phases);
    }

    /// `-0.0` keeps its sign (an integer would drop it).
    #[test]
    fn negative_zero_keeps_its_sign() {
        let back: Packed<Vec<f64>> = decode(&encode(&Packed(vec![-0.0]))).unwrap();
        assert!(back.0[0] == 0.0 && back.0[0].is_sign_negative());
    }

    /// Repeated field names and strings cost an index, not their text.
    #[test]
    fn repeated_names_travel_once() {
        let many: Vec<Figures> = (0..50)
            .map(|i| Figures {
                id: "a-rather-long-node-identifier".into(),
                count: i,
                ..Figures::default()
            })
            .collect();
        let packed = encode(&Packed(many.clone())).len();
        let json = serde_json::to_string(&many).unwrap().len();
        assert!(packed * 5 < json, "packed {packed} bytes, JSON {json}");
        assert_eq!(
            decode::<Packed<Vec<Figures>>>(&encode(&Packed(many.clone())))
                .unwrap()
                .0,
            many
        );
    }

    /// Bytes that name a string the table does not have give the default, not a panic.
    #[test]
    fn a_bad_tree_reads_as_the_default() {
        let bad = Tree {
            strings: vec![],
            root: Node::Seq(vec![Node::Str(3)]),
        };
        let back: Packed<Vec<String>> = decode(&encode(&bad)).unwrap();
        assert!(back.0.is_empty());
    }
}
