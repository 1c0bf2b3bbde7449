"""What an input may be (sizes), and the reject of a file or record that is not one."""
from __future__ import annotations

from cleancorpus.pipeline.model import Reject, make_doc_id
from cleancorpus.pipeline.reasons import RejectReason, Stage

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_RECORD_CHARS = 20_000_000



def file_reject(uri: str, reason: str, detail: str, record: str | None = None) -> Reject:
    return Reject(doc_id=make_doc_id(None, uri, record), source_uri=uri, source_record=record,
                  stage=Stage.READ, reason=RejectReason(reason), detail=detail)
