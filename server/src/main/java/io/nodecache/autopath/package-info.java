/**
 * The {@code autopath} plugin: CoreDNS's {@code autopath}, server-side search path completion. A pod's
 * resolver (glibc, musl; {@code ndots:5}) asks {@code NAME.<ns>.svc.cluster.local}, {@code
 * NAME.svc.cluster.local}, {@code NAME.cluster.local}, then {@code NAME.} under the node's search
 * domains and finally {@code NAME.}, each as A and AAAA: up to 8 to 12 queries, mostly NXDOMAIN, for
 * one lookup of an external name. autopath answers the first of them with the whole walk.
 *
 * <p>Syntax, as {@link io.nodecache.autopath.AutopathPluginFactory} accepts it:
 *
 * <pre>
 * autopath [ZONE...] RESOLV-CONF
 * autopath [ZONE...] @kubernetes {
 *     node_resolv_conf FILE
 * }
 * </pre>
 *
 * <ul>
 *   <li>{@code ZONE...}: the zones autopath acts in, default the server block's zones.
 *   <li>{@code RESOLV-CONF}: a resolv.conf file whose {@code search} (or {@code domain}) line is the
 *       search path of every client.
 *   <li>{@code @kubernetes}: the search path of the client, from the block's {@code kubernetes}
 *       plugin: {@code <ns>.svc.<zone>}, {@code svc.<zone>}, {@code <zone>} for the pod on this node
 *       that sent the query (its namespace found by its source address), then the search domains of
 *       {@code node_resolv_conf}.
 *   <li>{@code node_resolv_conf FILE} (ours, only with {@code @kubernetes}): the resolv.conf kubelet
 *       gives pods (its {@code --resolv-conf}), whose search domains follow the cluster ones. Default
 *       {@code /etc/resolv.conf}, which in our {@code dnsPolicy: Default} pod is that file; a missing
 *       default file means no node domains, as CoreDNS's kubernetes plugin reads its own
 *       {@code /etc/resolv.conf}.
 * </ul>
 *
 * <p>Refused, naming {@code file:line}: no argument; a RESOLV-CONF file that cannot be read or has no
 * search domains; {@code @} with another plugin than {@code kubernetes}; {@code @kubernetes} without a
 * {@code kubernetes} directive in the block, or without {@code NODE_NAME} in the environment (the pod map
 * is scoped to this node, see the kubernetes plugin), or (at start) with a {@code kubernetes} plugin
 * that has no API server to watch pods from; a {@code node_resolv_conf} file that cannot be read, or
 * given with a RESOLV-CONF file; any other option.
 *
 * <p>Behaviour, as CoreDNS's: only A and AAAA queries of class IN in the zones whose name lies below the
 * first search domain of the client are walked; with {@code @kubernetes} only clients that are pods on
 * this node (not hostNetwork pods, whose source is the node's address): every other query goes to the
 * next handler untouched. The walk asks the rest of the chain (a copy of the query, only the name
 * changed) for the base name under each search domain in order, then for the bare base name. The first
 * answer that is not NXDOMAIN (records, NODATA, SERVFAIL, REFUSED) is the reply: its question is the
 * asked name, and a CNAME from the asked name to the owner of the first answer record (with that
 * record's TTL) leads the answer section; every other record and TTL is as the chain answered. When
 * every candidate is NXDOMAIN the reply is the chain's answer for the asked name, unchanged (its
 * NXDOMAIN), and the client walks on by itself. A candidate that fails without an answer fails the
 * query. {@code coredns_autopath_success_count_total{server}} counts walks that found an answer.
 *
 * <p>Place in the chain: before {@code cache}, {@code hosts}, {@code kubernetes} and {@code forward}
 * ({@code plugin.cfg}), where CoreDNS runs it after {@code cache}. Here every candidate goes through the
 * hosts file, the cluster view and the cache, so a warm walk costs a few cache lookups and no upstream
 * query; and the cache never holds a reply that depends on who asked (the same name from a hostNetwork
 * pod is not walked). The walked reply itself is not cached. The fast path sends only the queries
 * autopath walks to the decoded path, without allocating (precomputed wire-form domains); a name the
 * kubernetes plugin has already answered with something other than NXDOMAIN (a Service of the pod's
 * own namespace) is not walked at all, since the walk would stop there with that same answer, and
 * stays on the kubernetes fast path.
 *
 * <p>Where this differs from CoreDNS:
 *
 * <ul>
 *   <li>{@code @kubernetes} needs no {@code pods verified}: the kubernetes plugin watches only this
 *       node's pods ({@code NODE_NAME}), and a pod is known while it is not finished (Pending with an
 *       address counts, so init containers are served; CoreDNS wants Running). Behind node-local-dns
 *       CoreDNS's autopath cannot work at all: it sees node-cache's address, not the pod's
 *       (coredns/coredns#4308).
 *   <li>A query for exactly the first search domain is passed on (CoreDNS answers SERVFAIL); an
 *       {@code @PLUGIN} that is missing is refused (CoreDNS silently does no autopath).
 *   <li>A hit on the asked name itself is returned as the chain answered it (CoreDNS's {@code cnamer}
 *       also rewrites it, adding a second CNAME when that answer holds a CNAME chain).
 * </ul>
 */
package io.nodecache.autopath;
