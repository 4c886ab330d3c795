package io.nodecache.chain;

/**
 * A handler that decides whether its server block takes a query at all (CoreDNS's view): the
 * listener gives a query to the first block of its zone whose filters all accept it, trying the
 * blocks in Corefile order and then the parent zones, as CoreDNS does. A block with a filter never
 * answers on the byte-level path.
 */
public interface RequestFilter {

  /** Whether this block takes {@code request}. */
  boolean accepts(DnsRequest request);
}
