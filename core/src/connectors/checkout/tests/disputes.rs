//! Accept, submit evidence (multipart uploads, then the PUT) and defend.

use serde_json::json;

use super::*;
use crate::connector::Connector;
use crate::connectors::checkout::disputes::{evidence_field, multipart_body, MAX_FILE_BYTES};

const DISPUTE_ID: &str = "dsp_9rjdlsd4epepfjyyf9vl";

fn doc(evidence_type: EvidenceType, mime: &str, content: &[u8]) -> EvidenceDocument {
    EvidenceDocument {
        evidence_type,
        content: Bytes(content.to_vec()),
        mime_type: mime.into(),
        file_name: None,
        connector_document_type: None,
    }
}

fn evidence(documents: Vec<EvidenceDocument>) -> SubmitEvidenceRequest {
    SubmitEvidenceRequest {
        connector_dispute_id: DISPUTE_ID.into(),
        documents,
        summary: Some("Delivered and signed for.".into()),
        idempotency_key: None,
    }
}

#[test]
fn accept_is_a_bodyless_post_answered_204() {
    let c = connector();
    let req = AcceptDisputeRequest {
        connector_dispute_id: DISPUTE_ID.into(),
        idempotency_key: None,
    };
    let request = sent(c.accept_dispute(&req, &cx(), &[]));
    assert_write(&request, HttpMethod::Post, IDEMPOTENCY_KEY);
    assert_eq!(
        request.url,
        format!("https://api.sandbox.checkout.com/disputes/{DISPUTE_ID}/accept")
    );
    assert!(request.body.is_none());
    let r = done(c.accept_dispute(&req, &cx(), &[response(204, "")]));
    assert_eq!(r.status, DisputeStatus::Accepted);
    assert_eq!(r.connector_dispute_id, DISPUTE_ID);
    assert_eq!(r.http_status, Some(204));

    let e = failed(c.accept_dispute(&req, &cx(), &[response(404, "")]));
    assert_code(&e, ErrorCode::NotFound);
    assert_eq!(e.flow, Some(Flow::AcceptDispute));
}

#[test]
fn defend_is_the_final_post_of_the_evidence() {
    let c = connector();
    let req = DefendDisputeRequest {
        connector_dispute_id: DISPUTE_ID.into(),
        reason_code: None,
        idempotency_key: None,
    };
    let request = sent(c.defend_dispute(&req, &cx(), &[]));
    assert_write(&request, HttpMethod::Post, IDEMPOTENCY_KEY);
    assert_eq!(
        request.url,
        format!("https://api.sandbox.checkout.com/disputes/{DISPUTE_ID}/evidence")
    );
    assert!(request.body.is_none());
    let r = done(c.defend_dispute(&req, &cx(), &[response(204, "")]));
    assert_eq!(r.status, DisputeStatus::Challenged);
}

#[test]
fn submit_evidence_uploads_each_file_then_puts_the_evidence() {
    let c = connector();
    let req = evidence(vec![
        doc(
            EvidenceType::Receipt,
            "application/pdf",
            b"%PDF-1.4 receipt",
        ),
        doc(EvidenceType::ShippingProof, "image/png", b"\x89PNG proof"),
    ]);

    // Step 0: the first upload, multipart to the files host.
    let first = sent(c.submit_evidence(&req, &cx(), &[]));
    assert_write(&first, HttpMethod::Post, IDEMPOTENCY_KEY);
    assert_eq!(first.url, "https://files.sandbox.checkout.com/files");
    let content_type = header(&first, "Content-Type").unwrap();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .expect("a multipart content type");
    let text = String::from_utf8_lossy(first.body.as_ref().unwrap().as_slice()).to_string();
    assert!(text.starts_with(&format!("--{boundary}\r\n")));
    assert!(text
        .contains("Content-Disposition: form-data; name=\"purpose\"\r\n\r\ndispute_evidence\r\n"));
    assert!(text.contains(
        "Content-Disposition: form-data; name=\"file\"; filename=\"evidence-1.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 receipt\r\n"
    ));
    assert!(text.ends_with(&format!("--{boundary}--\r\n")));

    // A retry rebuilds the very same bytes (the boundary is derived, not random).
    let again = sent(c.submit_evidence(&req, &cx(), &[]));
    assert_eq!(again.body, first.body);
    assert_eq!(header(&again, "Content-Type"), Some(content_type));

    // Step 1: the second upload, with the step's own key.
    let file_1 = response(
        200,
        r#"{"id": "file_6lbss42ezvoufcb2beo76rvwly", "_links": {}}"#,
    );
    let second = sent(c.submit_evidence(&req, &cx(), std::slice::from_ref(&file_1)));
    assert_write(&second, HttpMethod::Post, &format!("{IDEMPOTENCY_KEY}-1"));
    assert!(
        String::from_utf8_lossy(second.body.as_ref().unwrap().as_slice())
            .contains("filename=\"evidence-2.png\"\r\nContent-Type: image/png")
    );

    // Step 2: the PUT with each file id in its field.
    let file_2 = response(200, r#"{"id": "file_2"}"#);
    let put = sent(c.submit_evidence(&req, &cx(), &[file_1.clone(), file_2.clone()]));
    assert_write(&put, HttpMethod::Put, &format!("{IDEMPOTENCY_KEY}-2"));
    assert_eq!(
        put.url,
        format!("https://api.sandbox.checkout.com/disputes/{DISPUTE_ID}/evidence")
    );
    assert_eq!(
        body(&put),
        json!({
            "invoice_or_receipt_file": "file_6lbss42ezvoufcb2beo76rvwly",
            "proof_of_delivery_or_service_file": "file_2",
            "additional_evidence_text": "Delivered and signed for."
        })
    );

    let r = done(c.submit_evidence(&req, &cx(), &[file_1.clone(), file_2, response(204, "")]));
    assert_eq!(r.status, DisputeStatus::Challenged);
    assert_eq!(r.connector_dispute_id, DISPUTE_ID);

    // A failed upload ends the flow with its error.
    let e = failed(c.submit_evidence(
        &req,
        &cx(),
        &[
            file_1,
            response(
                422,
                r#"{"error_type": "request_invalid", "error_codes": ["file_type_invalid"]}"#,
            ),
        ],
    ));
    assert_code(&e, ErrorCode::InvalidRequest);
    assert_eq!(e.flow, Some(Flow::SubmitEvidence));
}

#[test]
fn evidence_can_be_the_text_alone() {
    let c = connector();
    let req = evidence(vec![]);
    let request = sent(c.submit_evidence(&req, &cx(), &[]));
    assert_eq!(request.method, HttpMethod::Put);
    assert_eq!(
        request.url,
        format!("https://api.sandbox.checkout.com/disputes/{DISPUTE_ID}/evidence")
    );
    assert_eq!(
        body(&request),
        json!({"additional_evidence_text": "Delivered and signed for."})
    );
    let r = done(c.submit_evidence(&req, &cx(), &[response(204, "")]));
    assert_eq!(r.status, DisputeStatus::Challenged);
    // Neither a document nor a summary: nothing to send.
    let mut empty = evidence(vec![]);
    empty.summary = None;
    assert_eq!(
        failed(c.submit_evidence(&empty, &cx(), &[])).field(),
        Some("documents")
    );
}

#[test]
fn documents_are_checked_before_the_first_upload() {
    let c = connector();
    let bad_mime = evidence(vec![doc(EvidenceType::Receipt, "text/plain", b"hi")]);
    let e = failed(c.submit_evidence(&bad_mime, &cx(), &[]));
    assert_eq!(e.field(), Some("documents[0].mime_type"));

    let too_big = evidence(vec![doc(
        EvidenceType::Receipt,
        "application/pdf",
        &vec![b'x'; MAX_FILE_BYTES + 1],
    )]);
    assert_eq!(
        failed(c.submit_evidence(&too_big, &cx(), &[])).field(),
        Some("documents[0].content")
    );

    let same_field = evidence(vec![
        doc(EvidenceType::RefundPolicy, "application/pdf", b"a"),
        doc(EvidenceType::CancellationPolicy, "application/pdf", b"b"),
    ]);
    assert_eq!(
        failed(c.submit_evidence(&same_field, &cx(), &[])).field(),
        Some("documents[1].evidence_type")
    );

    let mut unknown = doc(EvidenceType::Other, "application/pdf", b"a");
    unknown.connector_document_type = Some("not_a_field".into());
    assert_eq!(
        failed(c.submit_evidence(&evidence(vec![unknown]), &cx(), &[])).field(),
        Some("documents[0].connector_document_type")
    );

    let mut long = evidence(vec![doc(EvidenceType::Receipt, "application/pdf", b"a")]);
    long.summary = Some("x".repeat(501));
    assert_eq!(
        failed(c.submit_evidence(&long, &cx(), &[])).field(),
        Some("summary")
    );
}

#[test]
fn evidence_types_map_to_the_documented_fields() {
    let field = |t| evidence_field(&doc(t, "application/pdf", b"a")).unwrap();
    assert_eq!(field(EvidenceType::Receipt), "invoice_or_receipt");
    assert_eq!(
        field(EvidenceType::ShippingProof),
        "proof_of_delivery_or_service"
    );
    assert_eq!(
        field(EvidenceType::CustomerCommunication),
        "customer_communication"
    );
    assert_eq!(
        field(EvidenceType::RefundPolicy),
        "refund_or_cancellation_policy"
    );
    assert_eq!(field(EvidenceType::Other), "additional_evidence");

    let mut d = doc(EvidenceType::Other, "application/pdf", b"a");
    d.connector_document_type = Some("recurring_transaction_agreement_file".into());
    assert_eq!(evidence_field(&d), Some("recurring_transaction_agreement"));
    d.connector_document_type = Some("invoice_showing_distinct_transactions".into());
    assert_eq!(
        evidence_field(&d),
        Some("invoice_showing_distinct_transactions")
    );
}

#[test]
fn file_names_cannot_break_the_part_header() {
    let mut d = doc(EvidenceType::Receipt, "application/pdf", b"a");
    d.file_name = Some("evil\"\r\nname/..\\x.pdf".into());
    let name = crate::connectors::checkout::disputes::file_name(&d, 0, "application/pdf");
    assert!(!name.contains('"') && !name.contains('\r') && !name.contains('/'));
    let body = multipart_body("b", &name, "application/pdf", b"a");
    assert_eq!(
        String::from_utf8_lossy(&body)
            .matches("Content-Disposition")
            .count(),
        2
    );
}
