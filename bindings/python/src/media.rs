//! The media operations of [`NativeClient`]: sending a file as an image, video, audio,
//! document or sticker message (upload + send), and downloading the file of a received one.
//! Arguments are checked when the call is made, before anything is uploaded.
use std::future::Future;

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use wazap::media::{MediaKind, MediaRef};

use crate::bridge::ToPython;
use crate::client::NativeClient;
use crate::errors::BindingError;
use crate::messaging::{decode_message, jid, Sent};

type Op<T> = Result<T, BindingError>;

/// A downloaded file, returned to Python as `bytes`.
pub(crate) struct File(Vec<u8>);

impl ToPython for File {
    fn to_python(self, py: Python<'_>) -> PyResult<PyObject> {
        Ok(PyBytes::new(py, &self.0).into_any().unbind())
    }
}

impl NativeClient {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn send_media_op(
        &self,
        to: String,
        data: Vec<u8>,
        kind: String,
        mimetype: Option<String>,
        caption: Option<String>,
        file_name: Option<String>,
        voice_note: bool,
        id: Option<String>,
    ) -> impl Future<Output = Op<Sent>> + Send + 'static {
        let client = self.client.clone();
        let parsed = (|| -> Result<_, BindingError> {
            if data.is_empty() {
                return Err(BindingError::invalid("data is empty"));
            }
            Ok((
                jid(&to, "to")?,
                MediaKind::from_fields(&kind, caption, file_name, voice_note)
                    .map_err(|e| BindingError::invalid(e.to_string()))?,
            ))
        })();
        async move {
            let (to, kind) = parsed?;
            let sent = client.send_media(to, data, mimetype.as_deref(), kind, id).await?;
            Ok(Sent(sent))
        }
    }

    /// A request by name with JSON arguments (groups, users: `wazap::client::REQUESTS`); the
    /// answer as JSON.
    pub(crate) fn request_op(
        &self,
        method: String,
        args_json: String,
    ) -> impl Future<Output = Op<String>> + Send + 'static {
        let client = self.client.clone();
        async move { Ok(client.request(&method, &args_json).await?) }
    }

    /// `message`: the received `Message` protobuf (`MessageContent.raw`).
    pub(crate) fn download_op(
        &self,
        message: Vec<u8>,
    ) -> impl Future<Output = Op<File>> + Send + 'static {
        let client = self.client.clone();
        let parsed = decode_message(&message, "message").and_then(|m| {
            MediaRef::from_message(&m).map_err(|e| {
                BindingError::invalid(format!("the message has no downloadable media: {e}"))
            })
        });
        async move { Ok(File(client.download(&parsed?).await?)) }
    }
}
