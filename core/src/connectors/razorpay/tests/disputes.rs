//! Disputes (`disputes.rs`): accept, submit evidence, defend.

use super::*;
use crate::connectors::razorpay::disputes::{
    contest_body, dispute_stage, dispute_status, evidence_slot, file_name, EvidenceSlot,
};

// ---- disputes --------------------------------------------------------------------------------

fn evidence(evidence_type: EvidenceType, mime: &str, name: Option<&str>) -> EvidenceDocument {
    EvidenceDocument {
        evidence_type,
        content: Bytes(b"%PDF-1.4 evidence bytes".to_vec()),
        mime_type: mime.into(),
        file_name: name.map(str::to_string),
        connector_document_type: None,
    }
}

#[test]
fn accept_dispute() {
    let c = connector();
    let req = AcceptDisputeRequest {
        connector_dispute_id: "disp_AHfqOvkldwsbqt".into(),
        idempotency_key: None,
    };
    let mut lost = dispute_entity("lost", "chargeback");
    lost["amount_deducted"] = json!(10000);
    let (requests, result) = drive(
        |r| c.accept_dispute(&req, &cx(), r),
        vec![ok(&lost.to_string())],
    );
    assert_eq!(requests[0].method, HttpMethod::Post);
    assert_eq!(
        requests[0].url,
        "https://api.razorpay.com/v1/disputes/disp_AHfqOvkldwsbqt/accept"
    );
    assert!(!requests[0].retry_safe);
    let d = result.unwrap();
    assert_eq!(d.status, DisputeStatus::Accepted);
    assert_eq!(d.connector_status.as_deref(), Some("lost"));
    assert_eq!(d.stage, Some(DisputeStage::Dispute));
    assert_eq!(d.amount, Some(inr(10000)));
    assert_eq!(d.connector_dispute_id, "disp_AHfqOvkldwsbqt");
}

#[test]
fn submit_evidence_uploads_each_document_then_contests_as_draft() {
    let c = connector();
    let req = SubmitEvidenceRequest {
        connector_dispute_id: "disp_AHfqOvkldwsbqt".into(),
        documents: vec![
            evidence(
                EvidenceType::ShippingProof,
                "application/pdf",
                Some("awb \"123\".pdf"),
            ),
            evidence(EvidenceType::Receipt, "image/png", None),
            evidence(EvidenceType::Other, "application/pdf", None),
        ],
        summary: Some("Goods were delivered on time.".into()),
        idempotency_key: None,
    };
    let doc = |id: &str| ok(&DOCUMENT.replace("doc_EsyWjHrfzb59Re", id));
    let open = dispute_entity("open", "chargeback").to_string();
    let (requests, result) = drive(
        |r| c.submit_evidence(&req, &cx(), r),
        vec![doc("doc_A1"), doc("doc_B2"), doc("doc_C3"), ok(&open)],
    );
    assert_eq!(requests.len(), 4);
    for (i, upload) in requests[..3].iter().enumerate() {
        assert_eq!(upload.method, HttpMethod::Post);
        assert_eq!(upload.url, "https://api.razorpay.com/v1/documents");
        assert!(!upload.retry_safe);
        let content_type = upload.headers.get("Content-Type").unwrap();
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .expect("multipart");
        assert!(boundary.len() >= 30);
        let body = String::from_utf8(upload.body.as_ref().unwrap().0.clone()).unwrap();
        assert!(body.starts_with(&format!("--{boundary}\r\n")));
        assert!(body.ends_with(&format!("\r\n--{boundary}--\r\n")));
        assert!(body.contains(
            "Content-Disposition: form-data; name=\"purpose\"\r\n\r\ndispute_evidence\r\n"
        ));
        assert!(body.contains("%PDF-1.4 evidence bytes"));
        let expected_type = if i == 1 {
            "image/png"
        } else {
            "application/pdf"
        };
        assert!(
            body.contains(&format!("Content-Type: {expected_type}\r\n\r\n")),
            "{body}"
        );
        if i == 0 {
            // Quotes cannot break the header.
            assert!(
                body.contains("name=\"file\"; filename=\"awb _123_.pdf\"\r\n"),
                "{body}"
            );
        }
        if i == 1 {
            assert!(body.contains("filename=\"evidence-2.png\""), "{body}");
        }
    }
    let contest = &requests[3];
    assert_eq!(contest.method, HttpMethod::Patch);
    assert_eq!(
        contest.url,
        "https://api.razorpay.com/v1/disputes/disp_AHfqOvkldwsbqt/contest"
    );
    assert_eq!(
        body_json(contest),
        json!({"action": "draft", "summary": "Goods were delivered on time.",
               "shipping_proof": ["doc_A1"], "billing_proof": ["doc_B2"],
               "others": [{"type": "other", "document_ids": ["doc_C3"]}]})
    );
    let d = result.unwrap();
    assert_eq!(d.status, DisputeStatus::Opened);
    assert_eq!(d.connector_status.as_deref(), Some("open"));

    // A failed upload stops the flow with its error.
    let (requests, result) = drive(
        |r| c.submit_evidence(&req, &cx(), r),
        vec![doc("doc_A1"), status(400, ERROR_MINIMAL)],
    );
    assert_eq!(requests.len(), 2);
    assert_eq!(result.unwrap_err().code(), ErrorCode::InvalidRequest);
}

#[test]
fn submit_evidence_checks_before_uploading() {
    let c = connector();
    let mut req = SubmitEvidenceRequest {
        connector_dispute_id: "disp_1".into(),
        documents: vec![evidence(EvidenceType::Receipt, "application/pdf", None)],
        summary: Some("x".repeat(1001)),
        idempotency_key: None,
    };
    assert_eq!(
        c.submit_evidence(&req, &cx(), &[]).unwrap_err().field(),
        Some("summary")
    );
    req.summary = None;
    req.documents[0].mime_type = "application/pdf\r\nX-Evil: 1".into();
    assert_eq!(
        c.submit_evidence(&req, &cx(), &[]).unwrap_err().field(),
        Some("documents[0].mime_type")
    );
}

#[test]
fn a_contest_can_be_the_summary_alone() {
    let c = connector();
    let mut req = SubmitEvidenceRequest {
        connector_dispute_id: "disp_AHfqOvkldwsbqt".into(),
        documents: vec![],
        summary: Some("Delivered and signed for.".into()),
        idempotency_key: None,
    };
    let open = dispute_entity("open", "chargeback").to_string();
    let (requests, result) = drive(|r| c.submit_evidence(&req, &cx(), r), vec![ok(&open)]);
    assert_eq!(requests.len(), 1, "no upload");
    assert_eq!(requests[0].method, HttpMethod::Patch);
    assert_eq!(
        body_json(&requests[0]),
        json!({"action": "draft", "summary": "Delivered and signed for."})
    );
    assert_eq!(result.unwrap().status, DisputeStatus::Opened);
    // Neither a document nor a summary.
    req.summary = Some(" ".into());
    assert_eq!(
        c.submit_evidence(&req, &cx(), &[]).unwrap_err().field(),
        Some("documents")
    );
}

#[test]
fn evidence_slots() {
    let mut doc = evidence(EvidenceType::CancellationPolicy, "application/pdf", None);
    assert_eq!(
        evidence_slot(&doc),
        EvidenceSlot::Array("refund_cancellation_policy")
    );
    doc.evidence_type = EvidenceType::ServiceDocumentation;
    assert_eq!(evidence_slot(&doc), EvidenceSlot::Array("proof_of_service"));
    doc.connector_document_type = Some("term_and_conditions".into());
    assert_eq!(
        evidence_slot(&doc),
        EvidenceSlot::Array("term_and_conditions")
    );
    doc.connector_document_type = Some("receipt_signed_by_customer".into());
    assert_eq!(
        evidence_slot(&doc),
        EvidenceSlot::Other("receipt_signed_by_customer".into())
    );
    let body = contest_body(
        "draft",
        None,
        &[doc.clone(), doc],
        &["doc_1".into(), "doc_2".into()],
    );
    assert_eq!(
        body,
        json!({"action": "draft", "others": [{"type": "receipt_signed_by_customer", "document_ids": ["doc_1", "doc_2"]}]})
    );
    let unnamed = evidence(EvidenceType::Other, "application/x-strange", Some("  "));
    assert_eq!(file_name(&unnamed, 4), "evidence-5.bin");
}

#[test]
fn defend_submits_the_contest() {
    let c = connector();
    let req = DefendDisputeRequest {
        connector_dispute_id: "disp_AHfqOvkldwsbqt".into(),
        reason_code: None,
        idempotency_key: None,
    };
    let under_review = dispute_entity("under_review", "pre_arbitration").to_string();
    let (requests, result) = drive(
        |r| c.defend_dispute(&req, &cx(), r),
        vec![ok(&under_review)],
    );
    assert_eq!(requests[0].method, HttpMethod::Patch);
    assert_eq!(
        requests[0].url,
        "https://api.razorpay.com/v1/disputes/disp_AHfqOvkldwsbqt/contest"
    );
    assert_eq!(body_json(&requests[0]), json!({"action": "submit"}));
    let d = result.unwrap();
    assert_eq!(d.status, DisputeStatus::Challenged);
    assert_eq!(d.stage, Some(DisputeStage::PreArbitration));
}

#[test]
fn dispute_status_and_stage_tables() {
    use super::disputes::{dispute_stage, dispute_status};
    assert_eq!(dispute_status("open"), Some(DisputeStatus::Opened));
    assert_eq!(
        dispute_status("under_review"),
        Some(DisputeStatus::Challenged)
    );
    assert_eq!(dispute_status("won"), Some(DisputeStatus::Won));
    assert_eq!(dispute_status("lost"), Some(DisputeStatus::Lost));
    assert_eq!(dispute_status("closed"), Some(DisputeStatus::Cancelled));
    assert_eq!(dispute_stage("fraud"), Some(DisputeStage::PreDispute));
    assert_eq!(dispute_stage("retrieval"), Some(DisputeStage::PreDispute));
    assert_eq!(dispute_stage("chargeback"), Some(DisputeStage::Dispute));
    assert_eq!(
        dispute_stage("pre_arbitration"),
        Some(DisputeStage::PreArbitration)
    );
    assert_eq!(
        dispute_stage("arbitration"),
        Some(DisputeStage::PreArbitration)
    );
}
