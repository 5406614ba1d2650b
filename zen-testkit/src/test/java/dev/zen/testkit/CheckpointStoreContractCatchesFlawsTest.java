package dev.zen.testkit;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zen.spi.CheckpointStore;
import dev.zen.testkit.CheckpointStoreFixture.DataSharing;
import dev.zen.testkit.ReferenceCheckpointStore.Backend;
import dev.zen.testkit.ReferenceCheckpointStore.Flaw;
import org.junit.jupiter.api.Test;

/**
 * A contract that passes everything proves nothing: each case here runs against a store with one
 * flaw and must fail, and against the same store without the flaw and must pass.
 */
class CheckpointStoreContractCatchesFlawsTest {

  @Test
  void history_in_the_wrong_order_is_caught() {
    assertCaught(Flaw.HISTORY_OLDEST_FIRST, CheckpointStoreContract::history_is_newest_first);
  }

  @Test
  void a_replacement_that_moves_to_the_newest_position_is_caught() {
    assertCaught(Flaw.REPLACE_MOVES_TO_NEWEST, CheckpointStoreContract::putting_an_existing_id_replaces_it_in_place);
  }

  @Test
  void lost_concurrent_puts_are_caught() {
    assertCaught(Flaw.LOSES_CONCURRENT_PUTS,
        CheckpointStoreContract::concurrent_writers_on_one_thread_lose_nothing_and_keep_each_writers_order);
  }

  @Test
  void an_integer_read_back_as_a_long_is_caught() {
    assertCaught(Flaw.TURNS_INTEGERS_INTO_LONGS, CheckpointStoreContract::every_number_type_keeps_its_exact_type_and_value);
  }

  @Test
  void an_accepted_zero_limit_is_caught() {
    assertCaught(Flaw.ACCEPTS_ZERO_LIMIT, CheckpointStoreContract::a_history_limit_of_zero_or_less_is_rejected);
  }

  @Test
  void a_delete_that_always_reports_true_is_caught() {
    assertCaught(Flaw.DELETE_ALWAYS_REPORTS_TRUE,
        CheckpointStoreContract::delete_thread_removes_its_checkpoints_and_reports_whether_there_were_any);
  }

  @Test
  void accepted_blank_thread_ids_are_caught() {
    assertCaught(Flaw.ACCEPTS_BLANK_THREAD_IDS,
        CheckpointStoreContract::blank_thread_ids_are_rejected_with_a_message_naming_the_thread);
  }

  @Test
  void a_fenced_put_that_ignores_the_lease_is_caught() {
    assertCaught(Flaw.PUT_IF_LEASED_IGNORES_THE_LEASE,
        CheckpointStoreContract::a_writer_whose_lease_expired_cannot_overwrite_the_next_holders_write);
  }

  @Test
  void a_lease_that_never_expires_is_caught() {
    assertCaught(Flaw.LEASES_NEVER_EXPIRE, CheckpointStoreContract::the_holder_renews_its_lease_and_an_unrenewed_lease_expires);
  }

  @Test
  void a_store_that_keeps_the_lease_defaults_passes_only_when_it_says_so() {
    Case refused = CheckpointStoreContract::a_free_lease_is_granted_and_refused_to_another_holder_until_it_is_released;
    CheckpointStoreContract defaults = new Reference(Flaw.NONE, DataSharing.SHARED_BY_INSTANCES) {
      @Override
      protected CheckpointStore create() {
        return new ForwardingCheckpointStore(super.create());
      }

      @Override
      protected Leases leases() {
        return Leases.notKept("one process only");
      }
    };
    CheckpointStoreContract claimsLeases = new Reference(Flaw.NONE, DataSharing.SHARED_BY_INSTANCES) {
      @Override
      protected CheckpointStore create() {
        return new ForwardingCheckpointStore(super.create());
      }
    };

    assertThatCode(() -> run(defaults, refused)).doesNotThrowAnyException();
    assertThatThrownBy(() -> run(claimsLeases, refused)).isInstanceOf(AssertionError.class);
    assertThatThrownBy(() -> CheckpointStoreContract.Leases.notKept(""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("why");
  }

  @Test
  void a_backend_that_declares_the_wrong_data_sharing_is_caught() {
    Case freshInstance = CheckpointStoreContract::a_fresh_instance_on_the_same_backend_sees_the_data_exactly_when_the_backend_shares_it;

    assertThatThrownBy(() -> run(new Reference(Flaw.NONE, DataSharing.PER_INSTANCE), freshInstance))
        .isInstanceOf(AssertionError.class);
    assertThatCode(() -> run(new Reference(Flaw.NONE, DataSharing.SHARED_BY_INSTANCES), freshInstance))
        .doesNotThrowAnyException();
  }

  @Test
  void idle_ttl_cannot_be_declared_unsupported_without_a_reason() {
    assertThatThrownBy(() -> CheckpointStoreContract.IdleTtl.notSupported(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("why");
  }

  private static void assertCaught(Flaw flaw, Case contractCase) {
    assertThatThrownBy(() -> run(new Reference(flaw, DataSharing.SHARED_BY_INSTANCES), contractCase))
        .as("the case must fail against a store with flaw " + flaw)
        .isInstanceOf(AssertionError.class);
    assertThatCode(() -> run(new Reference(Flaw.NONE, DataSharing.SHARED_BY_INSTANCES), contractCase))
        .as("the same case must pass without the flaw")
        .doesNotThrowAnyException();
  }

  /** Runs one case as JUnit would: open the store, run, close whatever was opened. */
  private static void run(CheckpointStoreContract contract, Case contractCase) throws Exception {
    contract.openStore();
    try {
      contractCase.run(contract);
    } finally {
      contract.closeOpenedStores();
    }
  }

  @FunctionalInterface
  private interface Case {
    void run(CheckpointStoreContract contract) throws Exception;
  }

  /** Not a test class itself (JUnit would need a no-argument constructor); driven by the cases above. */
  private static class Reference extends CheckpointStoreContract {
    private final Flaw flaw;
    private final DataSharing declared;
    private Backend backend = new Backend();

    Reference(Flaw flaw, DataSharing declared) {
      this.flaw = flaw;
      this.declared = declared;
    }

    @Override
    protected CheckpointStore create() {
      backend = new Backend();
      return new ReferenceCheckpointStore(backend, flaw);
    }

    @Override
    protected CheckpointStore createAnotherInstance() {
      return new ReferenceCheckpointStore(backend, flaw);
    }

    @Override
    protected DataSharing dataSharing() {
      return declared;
    }

    @Override
    protected IdleTtl idleTtl() {
      return IdleTtl.notSupported("not used by these cases");
    }
  }
}
