//! What `/metrics` reports, in the Prometheus/OpenMetrics text format:
//! connections held, messages stored, how long a durable write takes, and how
//! many writes wait for the writer, and the events exchanged with other
//! nodes. Counted where things happen (sessions, appends, the bus); the
//! server only renders them.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use std::time::Duration;

#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub enum Peer {
    Visitor,
    Operator,
    /// A helpdesk screen (ticket list, Kanban, ticket page).
    Desk,
}

impl Peer {
    fn as_str(self) -> &'static str {
        match self {
            Peer::Visitor => "visitor",
            Peer::Operator => "operator",
            Peer::Desk => "desk",
        }
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PeerLabel {
    peer: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DirectionLabel {
    direction: &'static str,
}

pub struct Metrics {
    registry: Registry,
    connections: Family<PeerLabel, Gauge>,
    messages: Counter,
    write_seconds: Histogram,
    write_queue: Gauge,
    bus_events: Family<DirectionLabel, Counter>,
    bus_resyncs: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        let connections = Family::<PeerLabel, Gauge>::default();
        let messages = Counter::default();
        // 0.25 ms to about 4 s.
        let write_seconds = Histogram::new(exponential_buckets(0.000_25, 2.0, 15));
        let write_queue = Gauge::default();
        let bus_events = Family::<DirectionLabel, Counter>::default();
        let bus_resyncs = Counter::default();
        // Every series exists from the start, at 0, for dashboards.
        for peer in [Peer::Visitor, Peer::Operator, Peer::Desk] {
            let _ = connections.get_or_create(&PeerLabel {
                peer: peer.as_str(),
            });
        }
        let mut registry = Registry::with_prefix("parlor");
        registry.register(
            "connections",
            "Live WebSocket connections, by peer",
            connections.clone(),
        );
        registry.register("messages", "Messages stored", messages.clone());
        registry.register(
            "message_write_seconds",
            "Time from a message's append to its durable commit",
            write_seconds.clone(),
        );
        registry.register(
            "write_queue_depth",
            "Writes waiting for the database writer",
            write_queue.clone(),
        );
        registry.register(
            "bus_events",
            "Live events exchanged with other nodes, by direction (sent, received)",
            bus_events.clone(),
        );
        registry.register(
            "bus_resyncs",
            "Times this node's listeners read the database again because events may have been missed",
            bus_resyncs.clone(),
        );
        Self {
            registry,
            connections,
            messages,
            write_seconds,
            write_queue,
            bus_events,
            bus_resyncs,
        }
    }
}

impl Metrics {
    /// Counts a connection for as long as the returned guard lives.
    pub fn connected(&self, peer: Peer) -> Connected {
        let gauge = self
            .connections
            .get_or_create(&PeerLabel {
                peer: peer.as_str(),
            })
            .clone();
        gauge.inc();
        Connected(gauge)
    }

    /// Live connections of every kind.
    pub fn connections_open(&self) -> i64 {
        [Peer::Visitor, Peer::Operator]
            .into_iter()
            .map(|peer| {
                self.connections
                    .get_or_create(&PeerLabel {
                        peer: peer.as_str(),
                    })
                    .get()
            })
            .sum()
    }

    pub(crate) fn message_written(&self, took: Duration) {
        self.messages.inc();
        self.write_seconds.observe(took.as_secs_f64());
    }

    pub(crate) fn bus_sent(&self, events: usize) {
        self.bus_events
            .get_or_create(&DirectionLabel { direction: "sent" })
            .inc_by(events as u64);
    }

    pub(crate) fn bus_received(&self) {
        self.bus_events
            .get_or_create(&DirectionLabel {
                direction: "received",
            })
            .inc();
    }

    pub(crate) fn bus_resynced(&self) {
        self.bus_resyncs.inc();
    }

    /// The text exposition, with the writer's queue read now.
    pub fn render(&self, write_queue: usize) -> String {
        self.write_queue.set(write_queue as i64);
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

/// One counted connection; dropping it uncounts it.
pub struct Connected(Gauge);

impl Drop for Connected {
    fn drop(&mut self) {
        self.0.dec();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_connections_messages_and_latency() {
        let m = Metrics::default();
        let visitor = m.connected(Peer::Visitor);
        m.message_written(Duration::from_millis(2));
        let text = m.render(3);
        assert!(
            text.contains(r#"parlor_connections{peer="visitor"} 1"#),
            "{text}"
        );
        assert!(text.contains("parlor_messages_total 1"), "{text}");
        assert!(
            text.contains("parlor_message_write_seconds_count 1"),
            "{text}"
        );
        assert!(text.contains("parlor_write_queue_depth 3"), "{text}");
        m.bus_sent(2);
        m.bus_received();
        m.bus_resynced();
        let text = m.render(0);
        assert!(
            text.contains(r#"parlor_bus_events_total{direction="sent"} 2"#),
            "{text}"
        );
        assert!(text.contains("parlor_bus_resyncs_total 1"), "{text}");
        drop(visitor);
        assert!(m
            .render(0)
            .contains(r#"parlor_connections{peer="visitor"} 0"#));
    }
}
