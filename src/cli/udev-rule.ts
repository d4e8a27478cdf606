/** What a udev rule for one IR head matches and names. */
export interface UdevRuleTarget {
	/** USB vendor id, four hex digits as udev shows them (`10c4`). */
	readonly vendorId: string;
	/** USB product id (`ea60`). */
	readonly productId: string;
	/** The head's USB serial number; absent: the rule matches every head of that model. */
	readonly serialNumber?: string;
	/** The fixed name under /dev (`dlms0`). */
	readonly name: string;
}

/**
 * Mode of the device node: owner and group read and write, others nothing. The smarthomeNG dlms
 * plugin's rule says 0666, which lets every local user talk to the meter; group dialout is enough
 * for the service user (deploy/dlms-logger.service).
 */
export const UDEV_MODE = '0660';
export const UDEV_GROUP = 'dialout';

/**
 * The one udev rule line for an IR head, the same in `ports`, deploy/11-dlms.rules, README and
 * docs/reading.md (a test holds the files to it). ID_MM_DEVICE_IGNORE keeps ModemManager from
 * probing the new tty, which holds it busy for seconds.
 */
export function udevRule(target: UdevRuleTarget): string {
	const serial = target.serialNumber === undefined ? '' : `, ATTRS{serial}=="${target.serialNumber}"`;
	return (
		`SUBSYSTEM=="tty", ATTRS{idVendor}=="${target.vendorId}", ATTRS{idProduct}=="${target.productId}"${serial}, ` +
		`MODE="${UDEV_MODE}", GROUP="${UDEV_GROUP}", SYMLINK+="${target.name}", ENV{ID_MM_DEVICE_IGNORE}="1"`
	);
}
