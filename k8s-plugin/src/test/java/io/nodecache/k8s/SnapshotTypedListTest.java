package io.nodecache.k8s;

import static io.nodecache.k8s.SnapshotJsonTest.assertSameAsOracle;
import static io.nodecache.k8s.SnapshotJsonTest.streaming;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodecache.k8s.SnapshotJsonTest.Loaded;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot that is one typed list, as the API server returns a list call ({@code kubectl get --raw
 * /api/v1/services}): both readers, the streaming one and fabric8's (the oracle of {@link
 * SnapshotJsonTest}), load its items as the list's kind.
 */
class SnapshotTypedListTest {

  @TempDir Path dir;

  /**
   * What the API server returns for a list call ({@code GET /api/v1/services}): a typed list whose
   * items carry no kind or apiVersion. Both readers load the items as the list's kind (they loaded
   * none before, and logged "0 objects loaded").
   */
  @Test
  void anApiServersTypedListLoadsItsItemsAsTheListsKind() throws Exception {
    String meta = "'metadata':{'name':'a','namespace':'x','resourceVersion':'7'}";
    Map<String, Integer> lists = Map.of(
        "{'kind':'ServiceList','apiVersion':'v1','metadata':{'resourceVersion':'9'},'items':[{" + meta
            + ",'spec':{'clusterIP':'10.0.0.1','ports':[{'name':'dns','port':53,'protocol':'UDP'}]}},"
            + "{'metadata':{'name':'b','namespace':'x'},'spec':{'clusterIP':'None'}}]}", 2,
        "{'kind':'EndpointSliceList','apiVersion':'discovery.k8s.io/v1','items':[{'metadata':{'name':'a-1',"
            + "'namespace':'x','labels':{'kubernetes.io/service-name':'a'}},'addressType':'IPv4',"
            + "'endpoints':[{'addresses':['10.1.0.1'],'conditions':{'ready':true}}]}]}", 1,
        "{'kind':'NamespaceList','apiVersion':'v1','items':[{'metadata':{'name':'x'}},{'metadata':{'name':'y'}}]}", 2,
        "{'kind':'PodList','apiVersion':'v1','items':[{'metadata':{'name':'p','namespace':'x'},"
            + "'status':{'podIP':'10.1.0.9'}}]}", 1,
        // an item that names another kind is still read as the list's, as fabric8 binds it
        "{'kind':'ServiceList','apiVersion':'v1','items':[{'kind':'ConfigMap','apiVersion':'v1'," + meta
            + ",'spec':{'clusterIP':'10.0.0.2'}}]}", 1);
    for (Map.Entry<String, Integer> e : lists.entrySet()) {
      Path file = file("typed.json", e.getKey().replace('\'', '"'));
      assertSameAsOracle(file);
      assertThat(streaming(file, true).objects()).as(e.getKey()).isEqualTo(e.getValue());
    }
    Loaded services = streaming(file("svc.json", lists.keySet().stream().filter(k -> k.contains("'dns'"))
        .findFirst().orElseThrow().replace('\'', '"')), false);
    assertThat(services.services()).containsKeys("x/a", "x/b");
  }

  @Test
  void aTypedListWhoseItemsComeBeforeItsKindIsRefusedWithTheReason() throws Exception {
    Path file = file("late-kind.json", "{\"items\":[{\"metadata\":{\"name\":\"x\"}}],\"kind\":\"NamespaceList\","
        + "\"apiVersion\":\"v1\"}");
    assertThatThrownBy(() -> streaming(file, false)).isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("come before its kind");
  }

  private Path file(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }
}
