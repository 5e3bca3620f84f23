//! The network troubleshooting wizard: the graph as data and a pure state machine.
