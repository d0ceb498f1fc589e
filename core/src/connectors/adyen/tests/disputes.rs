//! DisputeService v30: requests and `disputeServiceResult` answers (Adyen API reference, Disputes API v30).

use serde_json::json;

use super::*;
use crate::connector::Connector;
use crate::connectors::adyen::disputes::{document_type_code, DEFAULT_DEFENSE_REASON};

const SUCCESS: &str = r#"{"disputeServiceResult": {"success": true}}"#;

fn accept() -> AcceptDisputeRequest {
    AcceptDisputeRequest {
        connector_dispute_id: "DZ4DPSHB4WD2WN82".into(),
        idempotency_key: None,
    }
}

fn evidence(docs: Vec<EvidenceDocument>) -> SubmitEvidenceRequest {
    SubmitEvidenceRequest {
        connector_dispute_id: "DZ4DPSHB4WD2WN82".into(),
        documents: docs,
        summary: None,
        idempotency_key: None,
    }
}

fn document(evidence_type: EvidenceType, content: &[u8]) -> EvidenceDocument {
    EvidenceDocument {
        evidence_type,
        content: Bytes(content.to_vec()),
        mime_type: "application/pdf".into(),
        file_name: Some("proof.pdf".into()),
        connector_document_type: None,
    }
}

fn defend(reason: Option<&str>) -> DefendDisputeRequest {
    DefendDisputeRequest {
        connector_dispute_id: "DZ4DPSHB4WD2WN82".into(),
        reason_code: reason.map(str::to_string),
        idempotency_key: None,
    }
}

#[test]
fn accept_request_matches_the_oas_example() {
    let request = sent(connector().accept_dispute(&accept(), &cx(), &[]));
    assert_eq!(
        request.url,
        "https://ca-test.adyen.com/ca/services/DisputeService/v30/acceptDispute"
    );
    assert_adyen_headers(&request, API_KEY);
    assert_eq!(
        body(&request),
        json!({"disputePspReference": "DZ4DPSHB4WD2WN82", "merchantAccountCode": MERCHANT})
    );
}

#[test]
fn dispute_calls_use_the_dispute_key_when_configured() {
    let mut c = config();
    c.dispute_api_key = Some(Secret::new(DISPUTE_KEY.to_string()));
    let adyen = Adyen::new(&c, &sandbox_endpoint()).unwrap();
    assert_adyen_headers(
        &sent(adyen.accept_dispute(&accept(), &cx(), &[])),
        DISPUTE_KEY,
    );
    assert_adyen_headers(
        &sent(adyen.defend_dispute(&defend(None), &cx(), &[])),
        DISPUTE_KEY,
    );
    let docs = evidence(vec![document(EvidenceType::Receipt, b"%PDF-1.4")]);
    assert_adyen_headers(&sent(adyen.submit_evidence(&docs, &cx(), &[])), DISPUTE_KEY);
    // Checkout calls keep the main key.
    assert_adyen_headers(
        &sent(adyen.authorize(&authorize_request(), &cx(), &[])),
        API_KEY,
    );
}

#[test]
fn supply_defense_document_request() {
    let pdf = b"%PDF-1.4\n%\xc3\xa4\xc3\xbc\xc3\xb6\xc3\x9f\n2 0 obj";
    let mut invoice = document(EvidenceType::Receipt, pdf);
    invoice.mime_type = "image/jpeg; name=invoice.jpg".into();
    let mut overridden = document(EvidenceType::ShippingProof, b"x");
    overridden.connector_document_type = Some("GoodsWereAsDescribed".into());
    let req = evidence(vec![
        invoice,
        document(EvidenceType::CustomerCommunication, b"mail"),
        overridden,
    ]);
    let request = sent(connector().submit_evidence(&req, &cx(), &[]));
    assert_eq!(
        request.url,
        "https://ca-test.adyen.com/ca/services/DisputeService/v30/supplyDefenseDocument"
    );
    assert_adyen_headers(&request, API_KEY);
    assert_eq!(
        body(&request),
        json!({
            "defenseDocuments": [
                {"content": "JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmo=", "contentType": "image/jpeg", "defenseDocumentTypeCode": "TIDorInvoice"},
                {"content": "bWFpbA==", "contentType": "application/pdf", "defenseDocumentTypeCode": "DefenseMaterial"},
                {"content": "eA==", "contentType": "application/pdf", "defenseDocumentTypeCode": "GoodsWereAsDescribed"},
            ],
            "disputePspReference": "DZ4DPSHB4WD2WN82",
            "merchantAccountCode": MERCHANT,
        })
    );
}

#[test]
fn evidence_types_map_to_adyen_document_types() {
    use EvidenceType::*;
    assert_eq!(document_type_code(Receipt), "TIDorInvoice");
    for generic in [
        ShippingProof,
        CustomerCommunication,
        RefundPolicy,
        CancellationPolicy,
        ServiceDocumentation,
        AccessActivityLog,
        ExplanationLetter,
        Other,
    ] {
        assert_eq!(
            document_type_code(generic),
            "DefenseMaterial",
            "{generic:?}"
        );
    }
}

#[test]
fn evidence_needs_documents_with_content() {
    let adyen = connector();
    assert_eq!(
        failed(adyen.submit_evidence(&evidence(vec![]), &cx(), &[])).field(),
        Some("documents")
    );
    let e = failed(adyen.submit_evidence(
        &evidence(vec![document(EvidenceType::Receipt, b"")]),
        &cx(),
        &[],
    ));
    assert_eq!(e.field(), Some("documents[0].content"));
}

#[test]
fn defend_request_with_default_and_explicit_reasons() {
    assert_eq!(DEFAULT_DEFENSE_REASON, "SupplyDefenseMaterial");
    let request = sent(connector().defend_dispute(&defend(None), &cx(), &[]));
    assert_eq!(
        request.url,
        "https://ca-test.adyen.com/ca/services/DisputeService/v30/defendDispute"
    );
    assert_adyen_headers(&request, API_KEY);
    assert_eq!(
        body(&request),
        json!({"defenseReasonCode": "SupplyDefenseMaterial", "disputePspReference": "DZ4DPSHB4WD2WN82", "merchantAccountCode": MERCHANT})
    );
    let request =
        sent(connector().defend_dispute(&defend(Some("GoodsWereAsDescribed")), &cx(), &[]));
    assert_eq!(body(&request)["defenseReasonCode"], "GoodsWereAsDescribed");
    let e = failed(connector().defend_dispute(&defend(Some("  ")), &cx(), &[]));
    assert_eq!(e.field(), Some("reason_code"));
}

#[test]
fn successful_results_map_to_the_unified_statuses() {
    let adyen = connector();
    let r = || [response(200, SUCCESS).with_header("pspReference", "REQ1")];
    let d = done(adyen.accept_dispute(&accept(), &cx(), &r()));
    assert_eq!(d.status, DisputeStatus::Accepted);
    assert_eq!(d.connector_dispute_id, "DZ4DPSHB4WD2WN82");
    assert_eq!(d.connector, ConnectorName::Adyen);
    assert_eq!(d.http_status, Some(200));
    assert_eq!(d.request_id.as_deref(), Some("REQ1"));
    let docs = evidence(vec![document(EvidenceType::Other, b"x")]);
    assert_eq!(
        done(adyen.submit_evidence(&docs, &cx(), &r())).status,
        DisputeStatus::Challenged
    );
    assert_eq!(
        done(adyen.defend_dispute(&defend(None), &cx(), &r())).status,
        DisputeStatus::Challenged
    );
}

#[test]
fn unsuccessful_results_are_errors_with_the_message() {
    let adyen = connector();
    let refused = r#"{"disputeServiceResult": {"success": false, "errorMessage": "Dispute is not defendable"}}"#;
    let e = failed(adyen.defend_dispute(&defend(None), &cx(), &[response(200, refused)]));
    assert_code(&e, ErrorCode::ProcessorError);
    assert_eq!(
        e.processor_message.as_deref(),
        Some("Dispute is not defendable")
    );
    assert!(e.message().contains("Dispute is not defendable"));
    assert_eq!(e.http_status, Some(200));
    assert!(!e.retryable);
    let bare = r#"{"disputeServiceResult": {"success": false}}"#;
    assert_code(
        &failed(adyen.accept_dispute(&accept(), &cx(), &[response(200, bare)])),
        ErrorCode::ProcessorError,
    );
}

#[test]
fn unreadable_results_are_invalid_responses_and_service_errors_are_classified() {
    let adyen = connector();
    for body in [
        "",
        "{}",
        r#"{"disputeServiceResult": {}}"#,
        r#"{"disputeServiceResult": {"success": "maybe"}}"#,
    ] {
        assert_code(
            &failed(adyen.accept_dispute(&accept(), &cx(), &[response(200, body)])),
            ErrorCode::InvalidResponse,
        );
    }
    let unauthorized = r#"{"status": 401, "errorCode": "000", "message": "HTTP Status Response - Unauthorized", "errorType": "security"}"#;
    let e = failed(adyen.accept_dispute(&accept(), &cx(), &[response(401, unauthorized)]));
    assert_code(&e, ErrorCode::Authentication);
    assert_eq!(e.processor_code.as_deref(), Some("000"));
}
