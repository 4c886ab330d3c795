package io.nodecache.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The manifest check would be worthless if a misspelt field slipped through: it does not. */
class StrictFieldsTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "hostNetwork: true      | ''",
        "hostNetwrok: true      | DaemonSet.spec.template.spec.hostNetwrok",
        "dnsPolicy: Default     | ''",
        "dnsPolicy: Default\\n      priorityClass: x | DaemonSet.spec.template.spec.priorityClass",
      })
  void reportsFieldsFabric8DoesNotKnow(String podField, String expected) {
    String yaml =
        """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: x
        spec:
          selector:
            matchLabels: {a: b}
          template:
            metadata:
              labels: {a: b}
            spec:
              %s
              containers:
                - name: c
                  image: i
                  securityContext:
                    capabilities: {add: [NET_ADMIN]}
        """
            .formatted(podField.replace("\\n", "\n"));
    List<HasMetadata> objects = Install.load(yaml);
    List<String> unknown = StrictFields.unknown(objects.get(0), "DaemonSet");
    if (expected.isEmpty()) {
      assertThat(unknown).isEmpty();
    } else {
      assertThat(unknown).containsExactly(expected);
    }
  }
}
