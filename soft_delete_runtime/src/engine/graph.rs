//! The part of the cascade graph a changeset can touch, in parents-first order.

use crate::meta::TableMeta;

/// A strongly connected group of tables (one table, or a cycle such as a self-reference).
pub(crate) struct Component {
    pub(crate) tables: Vec<&'static TableMeta>,
    /// True when rows of the group can cascade into the group itself, so work on it repeats
    /// until a pass changes nothing.
    pub(crate) cyclic: bool,
}

/// Tables reachable from `root` through cascade edges, grouped into strongly connected
/// components listed parents first (Tarjan's algorithm, whose output is children first).
pub(crate) fn components_from(root: &'static TableMeta) -> Vec<Component> {
    struct State {
        nodes: Vec<&'static TableMeta>,
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        out: Vec<Component>,
    }
    fn node(st: &mut State, m: &'static TableMeta) -> usize {
        match st.nodes.iter().position(|n| n.identity() == m.identity()) {
            Some(i) => i,
            None => {
                st.nodes.push(m);
                st.index.push(None);
                st.low.push(0);
                st.on_stack.push(false);
                st.nodes.len() - 1
            }
        }
    }
    fn visit(st: &mut State, v: usize) {
        st.index[v] = Some(st.next);
        st.low[v] = st.next;
        st.next += 1;
        st.stack.push(v);
        st.on_stack[v] = true;
        let meta = st.nodes[v];
        for edge in meta.cascade {
            let w = node(st, (edge.child)());
            match st.index[w] {
                None => {
                    visit(st, w);
                    st.low[v] = st.low[v].min(st.low[w]);
                }
                Some(iw) if st.on_stack[w] => st.low[v] = st.low[v].min(iw),
                Some(_) => {}
            }
        }
        if Some(st.low[v]) == st.index[v] {
            let mut tables = Vec::new();
            while let Some(w) = st.stack.pop() {
                st.on_stack[w] = false;
                tables.push(st.nodes[w]);
                if w == v {
                    break;
                }
            }
            let cyclic = tables.len() > 1
                || meta
                    .cascade
                    .iter()
                    .any(|e| (e.child)().identity() == meta.identity());
            st.out.push(Component { tables, cyclic });
        }
    }
    let mut st = State {
        nodes: Vec::new(),
        index: Vec::new(),
        low: Vec::new(),
        on_stack: Vec::new(),
        stack: Vec::new(),
        next: 0,
        out: Vec::new(),
    };
    let r = node(&mut st, root);
    visit(&mut st, r);
    st.out.reverse();
    st.out
}
