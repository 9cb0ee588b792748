//! A serde serializer that writes a value as bytes to be hashed ([`super::fingerprint`]): every
//! value tagged with its kind, texts and byte strings with their length, lists and maps closed
//! by a mark no value starts with. Two values write the same bytes only when they are the same
//! value, as JSON would tell them apart (a field left out is absent; the name of an enum's
//! variant is written), without JSON's escaping and number formatting: comparing every page of
//! an archive with the previous build's serialised each page's values, and serde_json's
//! escaping of every text was a quarter of that.

use serde::ser::{self, Serialize};

/// Why a value could not be written (a serializer of its own refused it).
#[derive(Debug)]
pub struct Refused(String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

impl ser::Error for Refused {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Refused(msg.to_string())
    }
}

/// Writes `value` at the end of `out`.
pub fn write<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result<(), Refused> {
    value.serialize(&mut Feed { out })
}

/// The serializer: what it writes goes at the end of `out`.
pub struct Feed<'a> {
    out: &'a mut Vec<u8>,
}

// The kinds' tags, and the marks that close a list and a map.
const BOOL: u8 = b'b';
const INT: u8 = b'i';
const UINT: u8 = b'u';
const INT128: u8 = b'I';
const UINT128: u8 = b'U';
const FLOAT: u8 = b'f';
const CHAR: u8 = b'c';
const TEXT: u8 = b's';
const BYTES: u8 = b'y';
const NONE: u8 = b'n';
const SOME: u8 = b'o';
const UNIT: u8 = b'-';
const VARIANT: u8 = b'v';
const LIST: u8 = b'[';
const LIST_END: u8 = b']';
const MAP: u8 = b'{';
const MAP_END: u8 = b'}';

impl Feed<'_> {
    fn text(&mut self, tag: u8, bytes: &[u8]) {
        self.out.push(tag);
        self.out
            .extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        self.out.extend_from_slice(bytes);
    }

    fn number(&mut self, tag: u8, bytes: &[u8]) {
        self.out.push(tag);
        self.out.extend_from_slice(bytes);
    }
}

/// Methods that write a narrower number as the wider one (the same number, the same bytes).
macro_rules! widened {
    ($($method:ident($narrow:ty) => $wide_method:ident($wide:ty)),*) => {$(
        fn $method(self, v: $narrow) -> Result<(), Refused> {
            self.$wide_method(<$wide>::from(v))
        }
    )*};
}

impl<'a, 'b> ser::Serializer for &'b mut Feed<'a> {
    type Ok = ();
    type Error = Refused;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, v: bool) -> Result<(), Refused> {
        self.number(BOOL, &[u8::from(v)]);
        Ok(())
    }
    widened!(
        serialize_i8(i8) => serialize_i64(i64),
        serialize_i16(i16) => serialize_i64(i64),
        serialize_i32(i32) => serialize_i64(i64),
        serialize_u8(u8) => serialize_u64(u64),
        serialize_u16(u16) => serialize_u64(u64),
        serialize_u32(u32) => serialize_u64(u64),
        serialize_f32(f32) => serialize_f64(f64)
    );
    fn serialize_i64(self, v: i64) -> Result<(), Refused> {
        self.number(INT, &v.to_le_bytes());
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Result<(), Refused> {
        self.number(INT128, &v.to_le_bytes());
        Ok(())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Refused> {
        self.number(UINT, &v.to_le_bytes());
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Result<(), Refused> {
        self.number(UINT128, &v.to_le_bytes());
        Ok(())
    }
    fn serialize_f64(self, v: f64) -> Result<(), Refused> {
        self.number(FLOAT, &v.to_bits().to_le_bytes());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Refused> {
        self.number(CHAR, &u32::from(v).to_le_bytes());
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Refused> {
        self.text(TEXT, v.as_bytes());
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Refused> {
        self.text(BYTES, v);
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Refused> {
        self.out.push(NONE);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Refused> {
        self.out.push(SOME);
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Refused> {
        self.out.push(UNIT);
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Refused> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Refused> {
        self.text(VARIANT, variant.as_bytes());
        self.out.push(UNIT);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Refused> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Refused> {
        self.text(VARIANT, variant.as_bytes());
        value.serialize(self)
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self, Refused> {
        self.out.push(LIST);
        Ok(self)
    }
    fn serialize_tuple(self, len: usize) -> Result<Self, Refused> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Self, Refused> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self, Refused> {
        self.text(VARIANT, variant.as_bytes());
        self.serialize_seq(Some(len))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self, Refused> {
        self.out.push(MAP);
        Ok(self)
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Self, Refused> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self, Refused> {
        self.text(VARIANT, variant.as_bytes());
        self.serialize_map(Some(len))
    }
}

/// The serializers of lists: each element in turn, then the list's end mark.
macro_rules! list_serializer {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for &mut Feed<'_> {
            type Ok = ();
            type Error = Refused;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Refused> {
                value.serialize(&mut **self)
            }
            fn end(self) -> Result<(), Refused> {
                self.out.push(LIST_END);
                Ok(())
            }
        }
    )*};
}

list_serializer!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// The serializers of structs: each field's name and value in turn, then the map's end mark.
macro_rules! struct_serializer {
    ($($trait:ident),*) => {$(
        impl ser::$trait for &mut Feed<'_> {
            type Ok = ();
            type Error = Refused;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), Refused> {
                self.text(TEXT, key.as_bytes());
                value.serialize(&mut **self)
            }
            fn end(self) -> Result<(), Refused> {
                self.out.push(MAP_END);
                Ok(())
            }
        }
    )*};
}

struct_serializer!(SerializeStruct, SerializeStructVariant);

impl ser::SerializeMap for &mut Feed<'_> {
    type Ok = ();
    type Error = Refused;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Refused> {
        key.serialize(&mut **self)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Refused> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), Refused> {
        self.out.push(MAP_END);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::write;
    use serde::Serialize;

    fn bytes<T: Serialize>(value: &T) -> Vec<u8> {
        let mut out = Vec::new();
        write(&mut out, value).expect("written");
        out
    }

    #[derive(Serialize)]
    struct Page<'a> {
        title: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        summary: Option<&'a str>,
        tags: Vec<&'a str>,
        #[serde(flatten)]
        extra: std::collections::BTreeMap<&'a str, i64>,
    }

    #[derive(Serialize)]
    enum Kind {
        Unit,
        Text(String),
    }

    /// Values JSON tells apart write different bytes, and the same value the same bytes.
    #[test]
    fn values_json_tells_apart_write_different_bytes() {
        use serde_json::json;
        let values = [
            json!(null),
            json!(true),
            json!(false),
            json!(0),
            json!(1),
            json!(-1),
            json!(1.5),
            json!(""),
            json!("1"),
            json!("ab"),
            json!(["ab"]),
            json!(["a", "b"]),
            json!([["a"], "b"]),
            json!([["a", "b"]]),
            json!([]),
            json!([[]]),
            json!({}),
            json!({"a": "b"}),
            json!({"a": ["b"]}),
            json!({"ab": ""}),
            json!({"a": "", "b": ""}),
            json!({"a": {"b": ""}}),
            json!([{"a": ""}, {}]),
            json!([{}, {"a": ""}]),
        ];
        for (i, a) in values.iter().enumerate() {
            for (j, b) in values.iter().enumerate() {
                assert_eq!(bytes(a) == bytes(b), i == j, "{a} and {b}");
            }
        }
        // A field left out, a text moved from one field to the next, a flattened map's entry.
        let page = |title, summary, tags: Vec<&'static str>, extra: &[(&'static str, i64)]| Page {
            title,
            summary,
            tags,
            extra: extra.iter().copied().collect(),
        };
        let pages = [
            bytes(&page("ع", None, vec![], &[])),
            bytes(&page("ع", Some(""), vec![], &[])),
            bytes(&page("", Some("ع"), vec![], &[])),
            bytes(&page("ع", None, vec![""], &[])),
            bytes(&page("ع", None, vec![], &[("n", 1)])),
            bytes(&page("ع", None, vec![], &[("n", 2)])),
        ];
        for (i, a) in pages.iter().enumerate() {
            for (j, b) in pages.iter().enumerate() {
                assert_eq!(a == b, i == j, "pages {i} and {j}");
            }
        }
        assert_ne!(bytes(&Kind::Unit), bytes(&Kind::Text(String::new())));
        assert_ne!(
            bytes(&Kind::Text("a".into())),
            bytes(&Kind::Text("b".into()))
        );
    }
}
