//! Criterion benchmark of the local analyzer (issue 5: ≥ 500 analyses/s/core at 30 turns).
//!
//! Run with `cargo bench -p coach-analyzer --bench analyzer`. The consultations are generated
//! deterministically from realistic Korean contact-centre lines with timestamps (so the timing
//! metrics run too): 30 turns is an ordinary call, 600 turns a very long one. `analyze` measures
//! the analyzer alone on redacted turns, `redact_and_analyze` the whole offline path after parsing.

use std::hint::black_box;
use std::time::Duration;

use coach_analyzer::Analyzer;
use coach_analyzer::local::LocalAnalyzer;
use coach_analyzer::redact::redact_turns;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use shared::transcript::{Speaker, Turn};

const AGENT_LINES: &[&str] = &[
    "안녕하십니까, 행복쇼핑 고객센터 상담원 김민지입니다. 무엇을 도와드릴까요?",
    "많이 기다리셨겠어요. 불편을 드려 정말 죄송합니다. 번거로우시겠지만 주문번호를 말씀해 주시겠어요?",
    "말씀하신 주문번호 A-20240105-0012, 나이키 운동화 270 사이즈 주문이 맞으신가요?",
    "확인해 보니 물류센터 사정으로 출고가 이틀 늦어졌습니다. 오늘 오후에 출고되어 내일까지 도착할 예정입니다.",
    "음… 잠시만 기다려 주시겠어요? 택배사 배송 조회를 해 보겠습니다.",
    "미리 안내해 드리지 못해 속상하셨겠어요. 대신 배송 지연 보상으로 3,000원 적립금을 지급해 드리겠습니다.",
    "그건 안 됩니다. 규정상 불가능합니다.",
    "네, 내일 오후 6시 전까지 도착 예정이고, 출고되면 송장번호를 문자로 안내해 드리겠습니다.",
    "적립금은 오늘 중으로 지급되며, 마이페이지에서 바로 확인하실 수 있습니다.",
    "더 궁금하신 점은 없으신가요? 이용해 주셔서 감사합니다. 좋은 하루 보내세요.",
];

const CUSTOMER_LINES: &[&str] = &[
    "네, 안녕하세요. 일주일 전에 주문한 운동화가 아직도 안 와서 너무 답답해서 전화했어요.",
    "주문번호는 A-20240105-0012예요. 연락처는 010-1234-5678이고요.",
    "네 맞아요.",
    "아니 그럼 미리 연락을 주셨어야죠. 주말에 신으려고 산 건데 진짜 짜증나네요.",
    "그러니까 배송이 아직 안 왔다고요. 몇 번을 말해야 돼요?",
    "음, 그럼 내일은 확실히 오는 거죠?",
    "알겠습니다. 적립금은 언제 들어와요?",
    "네, 빨리 처리해 주셔서 감사합니다.",
    "제 주소는 서울특별시 강남구 테헤란로 123, 101동 1203호예요.",
    "없어요. 수고하세요.",
];

/// A consultation of `turns` alternating agent and customer turns, 4-9 s apart.
fn generate_consultation(turns: usize) -> Vec<Turn> {
    let mut at_ms = 0u64;
    (0..turns)
        .map(|i| {
            let (speaker, lines) = if i % 2 == 0 {
                (Speaker::Agent, AGENT_LINES)
            } else {
                (Speaker::Customer, CUSTOMER_LINES)
            };
            let text = lines[(i / 2) % lines.len()].to_owned();
            let start_ms = at_ms;
            let length_ms = 1_500 + (text.chars().count() as u64) * 120;
            at_ms += length_ms + 500 + (i as u64 % 5) * 1_000;
            Turn {
                speaker,
                start_ms: Some(start_ms),
                end_ms: Some(start_ms + length_ms),
                text,
            }
        })
        .collect()
}

fn bench_analyzer(c: &mut Criterion) {
    let analyzer = LocalAnalyzer::default();
    let mut group = c.benchmark_group("analyze");
    group.throughput(Throughput::Elements(1));
    for turns in [30usize, 600] {
        let mut consultation = generate_consultation(turns);
        let pii = redact_turns(&mut consultation);
        group.bench_function(format!("{turns}_turns"), |b| {
            b.iter(|| analyzer.analyze(black_box(&consultation), black_box(pii.clone())))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("redact_and_analyze");
    group.throughput(Throughput::Elements(1));
    for turns in [30usize, 600] {
        let consultation = generate_consultation(turns);
        group.bench_function(format!("{turns}_turns"), |b| {
            b.iter(|| {
                let mut turns = black_box(&consultation).clone();
                let pii = redact_turns(&mut turns);
                analyzer.analyze(&turns, pii)
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    targets = bench_analyzer
}
criterion_main!(benches);
